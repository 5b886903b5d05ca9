"""The election recipes an app server can run, one module each, chosen by AppServerConfig.recipe.

- ``seed``: the seed's single leader key with try_insert, keepalive loop and watch for DELETE.
- ``etcd``: etcd's concurrency.Election: a key per candidate, wait for the predecessor only.
- ``zookeeper``: ZooKeeper's recipe emulated on the store: session, ephemeral sequential
  nodes, one-shot watch on the predecessor.
- ``kubernetes``: client-go leaderelection: a lease record under optimistic concurrency.

Servers running different recipes in one scenario do not exclude each other: each recipe keeps
its own keys (``/election/leader``; ``/election/<lease hex>``; ``/zk/election/n_*``;
``/k8s/lease``), so a mixed scenario shows two leaders. One exception: the seed's
``/election/leader`` lies under etcd's ``/election/`` prefix, so etcd candidates queue behind
it as if it were one of theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.runtime.recipes.base import Recipe
from simulator.runtime.recipes.etcd import EtcdElection
from simulator.runtime.recipes.eventual import (
    EventualKubernetesElection,
    EventualSeedElection,
)
from simulator.runtime.recipes.kubernetes import KubernetesElection
from simulator.runtime.recipes.seed import SeedElection
from simulator.runtime.recipes.zookeeper import ZooKeeperElection

if TYPE_CHECKING:
    from simulator.runtime.app_server import AppServerHost
    from simulator.runtime.client import StoreClient

RECIPE_CLASSES: dict[str, type[Recipe]] = {
    "seed": SeedElection,
    "etcd": EtcdElection,
    "zookeeper": ZooKeeperElection,
    "kubernetes": KubernetesElection,
}


EVENTUAL_RECIPE_CLASSES: dict[str, type[Recipe]] = {
    "seed": EventualSeedElection,
    "kubernetes": EventualKubernetesElection,
}
"""The recipes on the eventual store (validation refuses the others, see config.py)."""


def make_recipe(host: AppServerHost, client: StoreClient) -> Recipe:
    """The recipe ``host`` is configured to run, using ``client`` to reach the store."""
    name = host.config.recipe
    eventual = host.sim.scenario.store.eventual
    cls = (EVENTUAL_RECIPE_CLASSES if eventual else RECIPE_CLASSES).get(name)
    if cls is None:
        if eventual:
            raise ValueError(f"app server {host.id}: the eventual store cannot carry the "
                             f"{name!r} recipe")
        raise ValueError(f"app server {host.id}: unknown recipe {name!r}; "
                         f"use one of {', '.join(RECIPE_CLASSES)}")
    return cls(host, client)


__all__ = ["EVENTUAL_RECIPE_CLASSES", "RECIPE_CLASSES", "Recipe", "make_recipe"]
