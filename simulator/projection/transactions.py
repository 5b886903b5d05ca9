"""The eventual store's lightweight transactions in words, for the narration and the inspector."""

from __future__ import annotations


def cas_name(condition: str, client: str) -> str:
    """What a transaction was for: put-if-absent (condition "absent"), a renewal (the key must
    name the client itself), or another compare-and-set."""
    if condition == "absent":
        return "put-if-absent"
    if condition == f"value is {client}":
        return "renewal"
    return "compare-and-set"


def cas_text(client: str, condition: str, result: str, detail: str) -> str:
    """``app3's put-if-absent won: committed under ballot 30.756@n3 by n3, n4`` and the like."""
    what = cas_name(condition, client)
    if result == "applied":
        return f"{client}'s {what} won: {detail}"
    if result == "not-applied":
        return f"{client}'s {what} lost: {detail}"
    return f"{client}'s {what} failed ({result}): {detail}"


def ballot_words(ballot: tuple[int, str] | None) -> str:
    """A transaction's ballot as views show it: ``31.512@n1`` (its coordinator's clock in
    seconds, and the coordinator), ``none`` before any."""
    if ballot is None or not ballot[1]:
        return "none"
    return f"{ballot[0] / 1_000_000:.3f}@{ballot[1]}"
