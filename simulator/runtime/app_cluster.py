"""Build the application tier of a scenario: the payment provider and the app servers.

Called by ``Simulation`` when the scenario has app servers: the contracts table is generated
once (stream ``"payments/contracts"``) and shared by every server, as they read one database.
App-level symbolic targets are resolved here from what the servers believe now:
``app-leader`` is the live server believing it leads (the highest token if several do, the
latest to take over), ``app-follower`` the lowest-id live server that does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.runtime.app_server import AppServerHost
    from simulator.runtime.provider import ProviderHost
    from simulator.runtime.simulation import Simulation


def build_apps(sim: Simulation) -> tuple[dict[str, AppServerHost], ProviderHost | None]:
    """The app servers (by id) and the provider for ``sim``'s scenario; none without apps."""
    apps = sim.scenario.apps
    if not apps.servers:
        return {}, None
    # imported here: a run without app servers never loads the store client, recipes and ledger
    from simulator.payments.contracts import make_contracts
    from simulator.runtime.app_server import AppServerHost
    from simulator.runtime.provider import ProviderHost

    provider = ProviderHost(sim.env, sim.trace, sim.network, sim.streams, apps.provider)
    contracts = make_contracts(apps.job, sim.streams.get("payments/contracts"))
    servers = {config.id: AppServerHost(sim, config, contracts) for config in apps.servers}
    return servers, provider


def app_leader(servers: dict[str, AppServerHost]) -> str:
    """The live server that believes it leads (ValueError when none does)."""
    leaders = [servers[s] for s in sorted(servers) if servers[s].alive and servers[s].leading]
    if not leaders:
        raise ValueError("no app server believes it leads now")
    best = max(leaders, key=lambda host: (host.token if host.token is not None else -1))
    return best.id


def app_follower(servers: dict[str, AppServerHost]) -> str:
    """The lowest-id live server that does not believe it leads (ValueError when none)."""
    for server_id in sorted(servers):
        host = servers[server_id]
        if host.alive and not host.leading:
            return server_id
    raise ValueError("no live app server is a follower now")
