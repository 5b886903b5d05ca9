"""The cluster canvas: Raft nodes on a ring, app servers, the provider, links, flying messages
and partition walls, drawn from the projected World (``scene``) in a gesture-aware view
(``view``). ``layout``, ``walls`` and ``spacing`` (keeping dropped hosts apart) are plain
geometry without Qt."""
