"""Where frames come from: video files and image sequences, a camera's archive, live streams."""
