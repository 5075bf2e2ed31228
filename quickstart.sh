#!/usr/bin/env bash
# Set up on a fresh Debian / Raspberry Pi OS machine, then run the demo or the tests.
#
#   ./quickstart.sh demo    # a sample home on a private broker, commanded by voice
#   ./quickstart.sh test    # lint, type checks and the whole test suite
#
# It installs the missing Debian packages when run as root (else prints the apt line),
# makes .venv, installs the package and fetches the models (checked by sha256).
set -euo pipefail
cd "$(dirname "$0")"

what="${1:-}"
case "$what" in
  demo|test) ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

# Debian packages: PortAudio (+ ALSA's PulseAudio plugin) for microphone and speaker,
# Mosquitto as the broker; for the tests also espeak-ng, flite and festival (test
# voices), PulseAudio
# (virtual sound devices), systemd-analyze and strace (the network-isolation test);
# python3-venv where venv is missing.
packages=(mosquitto libportaudio2 libasound2-plugins)
if [ "$what" = test ]; then
  packages+=(espeak-ng pulseaudio pulseaudio-utils systemd strace)
  # the evaluation corpus's other voices (tests/corpus/apt-packages.txt)
  packages+=(espeak flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts)
fi
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "quickstart: Python 3.11 or newer is needed as '$python' (set PYTHON=...)" >&2
  exit 1
fi
"$python" -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "quickstart: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "quickstart: please run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
if [ ! -x .venv/bin/python ]; then
  echo "quickstart: creating .venv" >&2
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q -U pip
# openWakeWord is installed without its pinned tflite-runtime (broken with numpy 2, no
# wheels for new Pythons); the assistant runs its models with ai-edge-litert instead.
.venv/bin/python -m pip install -q --no-deps "openwakeword==0.6.0"
# llama-cpp-python has no wheel on PyPI: it is compiled here once (5-8 minutes on a
# 2-core machine) into a wheel folder of its own, which later venvs reuse. On x86 it
# is built for AVX2 rather than for this exact CPU (GGML_NATIVE=OFF): a native build
# uses Intel AMX where the CPU reports it, and AMX crashes (SIGSEGV at the first
# evaluation) in virtual machines that report AMX without enabling it.
llama="llama-cpp-python==0.3.36"
wheels="${ASSISTANT_WHEEL_DIR:-$HOME/.cache/assistant/wheels}"
if ! ls "$wheels"/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1; then
  echo "quickstart: building $llama (several minutes, once) into $wheels" >&2
  cmake_args=""
  case "$(uname -m)" in x86_64|amd64|i?86) cmake_args="-DGGML_NATIVE=OFF" ;; esac
  CMAKE_ARGS="$cmake_args" .venv/bin/python -m pip wheel -q --no-deps --no-cache-dir \
    -w "$wheels" "$llama"
fi
stamp=.venv/.llama-from-wheel-folder  # a venv made before this folder existed
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --force-reinstall --no-deps --find-links "$wheels" \
    --only-binary llama-cpp-python "$llama"
  touch "$stamp"
fi
.venv/bin/python -m pip install -q --find-links "$wheels" -e ".[test]"
.venv/bin/assistant models fetch

if [ "$what" = demo ]; then
  exec .venv/bin/assistant demo
fi
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/python -m pytest
