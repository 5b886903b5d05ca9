"""The Qt window of leadersim: everything here draws the trace's projection at a cursor time.

- ``launcher``: the ``leadersim`` console command (hands the Qt front ends to simulator.cli).
- ``app``: opening the window, or rendering it offscreen to a PNG (``--screenshot``).
- ``session``: one run (scenario, simulation, projector, narration) and forking it.
- ``runner``: SimRunner, the one QTimer that advances the cursor and emits frames.
- ``mainwindow``: the window: canvas, timeline dock, inspector, narration, toolbar, menus.
- ``canvas/``: the cluster canvas (layout, items, walls and the gestures on them).
- ``inspector``: the selected host (Raft log tail, app belief) and the store (Store tab).
- ``window_files``: the window's file commands: preset library (``library``), dropped
  presets, a new seed, saving the session as a preset (``session_preset``: actions become
  fault steps), and the exports (``exports``: canvas PNG/SVG, event log JSON Lines/CSV).
- ``narration``, ``controls``, ``node_actions``, ``settings``, ``style``.
- ``timeline/``: the timeline lanes and their picture export.
"""
