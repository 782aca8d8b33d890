# Runs PySceneDetect's ContentDetector (default settings) on one file and prints
# {"cuts": [...], "frames": n, "seconds": wall, "cpuSeconds": cpu}.
# Usage: /usr/bin/python3 pyscenedetect-peer.py PYSCENEDETECT_DIR VIDEO
# PySceneDetect itself is never part of this repository; see bench/scenes.ts for how to get it.
import json
import sys
import time

sys.path.insert(0, sys.argv[1])
from scenedetect import ContentDetector, SceneManager, open_video  # noqa: E402

video = open_video(sys.argv[2], backend="opencv")
manager = SceneManager()
manager.add_detector(ContentDetector())
started = time.perf_counter()
cpu_started = time.process_time()
manager.detect_scenes(video)
seconds = time.perf_counter() - started
# All threads of this process, OpenCV's decoder threads included.
cpu_seconds = time.process_time() - cpu_started
scenes = manager.get_scene_list(start_in_scene=True)
cuts = [scene[0].frame_num for scene in scenes[1:]]
print(json.dumps({"cuts": cuts, "frames": video.frame_number, "seconds": seconds, "cpuSeconds": cpu_seconds}))
