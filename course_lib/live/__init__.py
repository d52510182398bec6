"""Live input: a camera or a stream through a task, as frames come, in the terminal or in JupyterLab.

* `capture`: what counts as live input (`live_source`), opening it with a timeout, `FrameFeed` (a
  reader thread that keeps only the latest frames);
* `loop`: `run_live(source, step)`, the loop (dropped frames counted, the achieved rate drawn,
  Ctrl-C / max-seconds / stop event, the output video complete whatever stops it) and `LiveSummary`;
* `writer`: `LiveVideoWriter`, the real-time H.264 output written as frames are made;
* `notebook`: `watch(...)`, the run in an ipywidgets Image with a Stop button;
* `stream`: `serve_file_as_stream(path)`, a file played as a real-time stream on 127.0.0.1 (a camera
  stand-in for lessons and tests).
"""
