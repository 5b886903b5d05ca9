"""leadersim's model: Raft, the replicated store, app servers, the network and faults.

This package never imports Qt; the window in ``ui`` reads it through its trace.
"""
