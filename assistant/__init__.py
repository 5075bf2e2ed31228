"""A fully local smart-home voice assistant."""

import os

# Nothing leaves the device but MQTT. Set before any engine is imported (they all
# are lazily, and the LLM worker inherits this environment): onnxruntime's own
# telemetry looks up a Microsoft events host and keeps a device id under ~/.cache;
# faster-whisper's Hugging Face hub client must never reach for the network.
os.environ.update(
    ORT_DISABLE_TELEMETRY="1", HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1"
)

__version__ = "0.1.0"
