"""Configuration: one frozen model per ``config.toml`` table, validated by pydantic."""

from __future__ import annotations

import logging
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .config_lines import by_line, line_of, syntax_problem
from .errors import ConfigError
from .home.domains import default_confirm
from .skill_config import SkillConfig, SlotList

_SLOT = re.compile(r"\{(\w+)(?::\w+)?\}")

_LOGGER = logging.getLogger(__name__)

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ModelsConfig(_Section):
    dir: str = "models"
    """Folder holding the fetched models and manifest.toml (relative to this file)."""
    manifest: str | None = None
    """Manifest path; default: ``<dir>/manifest.toml``."""


DEFAULT_STOP_PHRASES = (
    "stop", "stop it", "cancel", "be quiet", "enough", "that's enough", "shut up",
    "never mind",
)  # fmt: skip


class AudioConfig(_Section):
    input_device: str | int | None = None
    """Microphone: index or part of the name (`assistant devices`); None: default."""
    output_device: str | int | None = None
    """Speaker, chosen the same way."""
    feedback_sounds: bool = True
    """A short tone when the wake word is heard and when the command has ended."""
    followup_seconds: float = Field(4.0, ge=0.0, le=30.0)
    """After a reply, listen this long for a command without the wake word (0: off)."""
    muted: bool = False
    """Start muted (SIGUSR1 toggles): nothing is listened to while muted."""
    volume: int = Field(100, ge=0, le=100)
    """Loudness of replies and tones, in percent of the voice's own."""
    retry_max_seconds: float = Field(10.0, ge=0.5, le=300.0)
    """Longest wait between attempts to reopen a failed audio device."""
    noise_suppression: int = Field(0, ge=0, le=4)
    """WebRTC noise suppression of what the microphone hears (1-4; 0: off)."""
    auto_gain: int = Field(0, ge=0, le=31)
    """WebRTC automatic gain towards this many dBFS below full scale (0: off)."""
    stop_phrases: tuple[str, ...] = DEFAULT_STOP_PHRASES
    """Said without the wake word while a reply plays or a timer rings, these end
    it; an empty list turns this off."""

    @field_validator("stop_phrases")
    @classmethod
    def _phrases_have_words(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        for phrase in phrases:
            if not re.search(r"[A-Za-z]", phrase):
                raise ValueError(f"{phrase!r} has no words")
        return phrases


class WakeConfig(_Section):
    model: str = "hey_jarvis"
    """Wake word: a name from the openwakeword model set or a path to a .tflite."""
    threshold: float = Field(0.3, gt=0.0, lt=1.0)
    """Score above which the wake word counts as heard (0.3: chosen on the dev
    split of tests/corpus, where no near miss reached 0.25)."""
    refractory_seconds: float = Field(2.0, ge=0.0, le=60.0)
    """After a detection, ignore the wake word for this long."""
    preroll_seconds: float = Field(1.5, ge=0.0, le=2.0)
    """Audio kept before the detection point (the wake phrase), given to
    speech-to-text as what the command opens with, so that its first word is not
    clipped; 0: the command starts at the detection."""
    micro_model: str = "auto"
    """A second wake word model beside openWakeWord: a pymicro-wakeword built-in
    (hey_jarvis, alexa, hey_mycroft, okay_nabu); "auto" takes the one with the same
    wake word, if any; "" turns it off. Either model hearing it wakes the assistant."""
    micro_threshold: float = Field(0.5, gt=0.0, lt=1.0)
    """The second model's probability for a detection (0.5: on the dev split no
    near miss or speech without the wake word reached 0.3)."""
    check_threshold: float = Field(0.01, ge=0.0, lt=1.0)
    """An openWakeWord score from here up to ``threshold`` is checked: Whisper
    listens to the last two seconds and the wake phrase must be what it heard
    (``check_lag``). 0: no check, only ``threshold`` wakes it."""
    micro_check_threshold: float = Field(0.05, ge=0.0, lt=1.0)
    """The same for the second model, up to ``micro_threshold``."""
    check_lag: float = Field(4.0, ge=0.0)
    """How much less likely (nats, summed token log-probabilities) the wake phrase
    may be than what Whisper heard ("Hey Travis" is 8 or more)."""
    sentence_lag: float = Field(4.5, ge=0.0)
    """An unsure wake word the two seconds did not confirm is checked again on the
    whole sentence (``wake_check``) with this lag. 0: off."""

    @field_validator("micro_model")
    @classmethod
    def _known_micro(cls, value: str) -> str:
        known = ("auto", "", "hey_jarvis", "alexa", "hey_mycroft", "okay_nabu")
        if value not in known:
            raise ValueError(f"not one of {', '.join(repr(k) for k in known)}")
        return value


class VadConfig(_Section):
    threshold: float = Field(0.5, gt=0.0, lt=1.0)
    """Silero speech probability above which a 32 ms frame is speech."""
    silence_seconds: float = Field(0.4, ge=0.1, le=5.0)
    """Trailing silence that ends a command."""
    early_seconds: float = Field(0.2, ge=0.0, le=5.0)
    """Predictive endpointing: at a pause this long, what was said is decoded.
    A whole sentence the rules read ends the command once decoded, unless speech
    came back meanwhile; otherwise the decoding is used at the end of the full
    silence if nothing more was said (0: off; less than ``silence_seconds``)."""
    start_timeout_seconds: float = Field(4.0, ge=0.5, le=30.0)
    """Give up when no speech starts this long after the wake word."""
    max_command_seconds: float = Field(10.0, ge=1.0, le=30.0)
    """Hard cap on one command's length."""

    @model_validator(mode="after")
    def _early_before_silence(self) -> VadConfig:
        if self.early_seconds >= self.silence_seconds:
            raise ValueError("early_seconds must be 0 or less than silence_seconds")
        return self


class SttConfig(_Section):
    model: str = "whisper-tiny.en"
    """A model name from the manifest or a path to a CTranslate2 Whisper folder."""
    compute_type: str = "int8"
    language: str | None = "en"
    beam_size: int = Field(1, ge=1, le=10)
    threads: int = Field(2, ge=1, le=64)
    bias_prompt: bool = True
    """Prompt Whisper with the names of the known devices and rooms."""
    window_seconds: float = Field(0.0, ge=0.0, le=30.0)
    """Encoder window; 0 sizes it to the command (much faster than Whisper's 30 s)."""
    alternatives: int = Field(4, ge=0, le=8)
    """When the sentence rules cannot read the transcript, decode this many other
    transcripts of the same audio (beam search) and take one the rules can read."""
    second_model: str = "whisper-base"
    """A second Whisper model (manifest name or folder), run only when the first
    one's hearing leads to no action without a question: its own transcript, read
    exactly by the sentence rules with its numbers the same, is decided on its own
    hearing; a question about the same command as both read becomes the action.
    "" is off."""


class IntentConfig(_Section):
    fuzzy_threshold: int = Field(75, ge=50, le=100)
    """Minimum similarity (0-100) for a heard name to match a known device."""
    act_threshold: float = Field(0.9, ge=0.0, le=1.0)
    """Confidence (0-1) at or above which a command is carried out at once."""
    ask_threshold: float = Field(0.75, ge=0.0, le=1.0)
    """From here up to ``act_threshold``: a yes/no question first. Below: refused."""
    word_threshold: float = Field(0.3, ge=0.0, le=1.0)
    """A heard on/off, open/close or lock/unlock word less likely than this
    (Whisper's decoding probability, its spellings summed) is asked back before
    acting."""
    llm_act_threshold: float = Field(0.9, ge=0.0, le=1.0)
    """Confidence an LLM reading of a paraphrase needs to act without asking."""
    llm_ask_threshold: float = Field(0.6, ge=0.0, le=1.0)
    """An LLM reading less sure than this is refused; from here up it asks first."""
    name_act_lag: float = Field(3.0, ge=0.0)
    """A name read fuzzily is replaced by the home's name the audio favours when
    Whisper finds that sentence at most this much less likely (nats) than the
    words it first heard: acted on."""
    name_ask_lag: float = Field(9.0, ge=0.0)
    """At most this much less likely: asked first. More: the name stays unknown."""
    name_margin: float = Field(4.0, ge=0.0)
    """To act, the favoured name's sentence must be this much likelier (nats)
    than any naming something else."""
    name_ask_margin: float = Field(2.0, ge=0.0)
    """To ask, this much likelier; closer, the name stays unknown."""
    frame_lag: float = Field(8.0, ge=0.0)
    """When the rules cannot read what was heard but it names a device, that
    device's plainest sentences (``sentences/frames.yaml``) are scored on the
    audio: one at most this much less likely (nats) than what was heard is
    answered, or asked back when a command."""
    frame_margin: float = Field(3.0, ge=0.0)
    """It must be this much likelier than any sentence doing something else."""
    foreign_margin: float = Field(3.0, ge=0.0)
    """A command naming the home's device is refused by name when the audio finds
    a room or thing the home lacks in its place ("bathroom" for "bedroom") this
    much likelier (nats), without Whisper's prompt of the home's names."""
    foreign_ask_margin: float = Field(1.0, ge=0.0)
    """It is asked back when that sentence is at most this much less likely."""
    opposite_margin: float = Field(2.0, ge=0.0)
    """A command opening with its on/off, open/close or lock/unlock word is asked
    back unless the audio finds the opposite word this much less likely (nats)."""
    learn: bool = True
    """Remember phrasings answered with "yes" (done directly next time) or "no"
    (not offered again), in the state directory; ``assistant memory`` lists them."""

    @model_validator(mode="after")
    def _ordered(self) -> IntentConfig:
        if self.ask_threshold > self.act_threshold:
            raise ValueError("ask_threshold must not be above act_threshold")
        if self.name_act_lag > self.name_ask_lag:
            raise ValueError("name_act_lag must not be above name_ask_lag")
        return self


class LlmConfig(_Section):
    enabled: bool = True
    """Let a small local LLM understand what the rules did not (paraphrases,
    follow-ups, small talk). Off: only the sentence rules."""
    model: str = "smollm2-135m-instruct"
    """A model name from the manifest or a path to a .gguf file."""
    threads: int = Field(2, ge=1, le=64)
    """Threads for prompt evaluation (generation uses one)."""
    timeout_seconds: float = Field(4.0, gt=0.0, le=120.0)
    """Longest wait for one answer; then "sorry" and a fresh worker."""
    min_score: float = Field(1.5, ge=-10.0, le=20.0)
    """How strongly the words must point to a device for the LLM to act on one."""
    min_margin: float = Field(1.5, ge=0.0, le=20.0)
    """Below this lead of the best device over the next, ask which one was meant."""
    answer_tokens: int = Field(32, ge=4, le=256)
    """Longest spoken answer to small talk, in tokens."""
    session_seconds: float = Field(30.0, ge=0.0, le=600.0)
    """How long "it", "and the bedroom" refer to the last command."""


class TtsConfig(_Section):
    voice: str = "en_US-joe-medium"
    """A voice name from the manifest or a path to a piper .onnx file."""
    length_scale: float | None = Field(None, gt=0.1, lt=5.0)
    """Speaking speed: below 1 faster, above 1 slower; default: the voice's own."""


class MqttConfig(_Section):
    host: str = "localhost"
    port: int = Field(1883, ge=1, le=65535)
    username: str | None = None
    password_env: str = "ASSISTANT_MQTT_PASSWORD"
    """Environment variable holding the password (never put it in this file)."""
    client_id: str = "local-voice-assistant"
    discovery_prefix: str = "homeassistant"
    connect_timeout_seconds: float = Field(5.0, gt=0.0, le=120.0)
    reconnect_max_seconds: float = Field(5.0, ge=1.0, le=300.0)
    """The longest wait between reconnection attempts (it starts at 1 s)."""
    command_timeout_seconds: float = Field(2.0, gt=0.0, le=30.0)
    """A command the broker has not acknowledged by then is withdrawn, never sent
    later: the user hears that it failed, and that stays true."""
    discovery_settle_seconds: float = Field(2.0, ge=0.0, le=30.0)
    """How long to wait for retained discovery and state messages at start."""
    protocol: Literal["3.1.1", "5"] = "3.1.1"
    tls: bool = False
    """Encrypt the connection (usually port 8883)."""
    tls_ca_file: str | None = None
    """CA certificate that signed the broker's (default: the system's CAs)."""
    tls_cert_file: str | None = None
    """Client certificate, for brokers that require one."""
    tls_key_file: str | None = None
    tls_insecure: bool = False
    """Skip the host name check (self-signed test brokers only)."""

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env) or None

    @model_validator(mode="after")
    def _key_with_certificate(self) -> MqttConfig:
        if self.tls_key_file and not self.tls_cert_file:
            raise ValueError("tls_key_file without tls_cert_file")
        return self

    @field_validator("tls_ca_file", "tls_cert_file", "tls_key_file")
    @classmethod
    def _tls_file(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Relative to the config file's folder; it must exist."""
        base = (info.context or {}).get("base_dir")
        if value is None or base is None:
            return value
        path = Path(value).expanduser()
        path = path if path.is_absolute() else Path(base) / path
        if not path.is_file():
            raise ValueError(f"no file {path}")
        return str(path)


class HomeAssistantConfig(_Section):
    expose: bool = True
    """Announce the running assistant to Home Assistant as a device of its own
    (state, last transcript and response, mute, wake threshold, announcements);
    false removes those entities."""
    name: str = "Voice Assistant"
    base_topic: str | None = None
    """Topics of its own; default: assistant/<mqtt.client_id>."""
    hermes: bool = True
    """Publish every recognized intent on hermes/intent/<IntentName> (Snips/Rhasspy)."""
    site_id: str = "default"
    confirm: tuple[str, ...] = Field(default_factory=default_confirm)
    """Actions that need a spoken yes first: "<domain>.<operation>", optionally
    ":<device_class>", or an entity id with its operation ("lock.back_door:unlock").
    Default: what each domain asks about (``home.DomainSpec.confirm``)."""
    confirm_seconds: float = Field(6.0, ge=1.0, le=60.0)
    """How long to wait for the yes or no."""
    alarm_code_env: str = "ASSISTANT_ALARM_CODE"
    """Environment variable holding the code alarm panels are armed and disarmed
    with (never put it in this file); it is never spoken or logged."""
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-device changes by entity id or name: area, aliases, name."""

    @property
    def alarm_code(self) -> str | None:
        return os.environ.get(self.alarm_code_env) or None


class MetricsConfig(_Section):
    port: int = Field(0, ge=0, le=65535)
    """Serve per-stage latency in Prometheus' text format at
    http://127.0.0.1:<port>/metrics while ``run`` runs (0: off)."""


class DebugConfig(_Section):
    record_dir: str | None = None
    """Save each command's audio here (off by default: audio stays in memory)."""


class StorageConfig(_Section):
    dir: str | None = None
    """Where skills keep their files (the shopping list); default: systemd's
    StateDirectory ($STATE_DIRECTORY), else ``data`` beside this file."""


class Config(_Section):
    models: ModelsConfig = ModelsConfig()
    audio: AudioConfig = AudioConfig()
    wake: WakeConfig = WakeConfig()
    vad: VadConfig = VadConfig()
    stt: SttConfig = SttConfig()
    intent: IntentConfig = IntentConfig()
    llm: LlmConfig = LlmConfig()
    tts: TtsConfig = TtsConfig()
    mqtt: MqttConfig = MqttConfig()
    homeassistant: HomeAssistantConfig = HomeAssistantConfig()
    metrics: MetricsConfig = MetricsConfig()
    debug: DebugConfig = DebugConfig()
    storage: StorageConfig = StorageConfig()
    devices: tuple[dict[str, Any], ...] = ()
    """Devices declared here, for setups without Home Assistant discovery."""
    skills: tuple[SkillConfig, ...] = ()
    """Sentences you teach the assistant, and what each does."""
    lists: dict[str, SlotList] = Field(default_factory=dict)
    """``{slot}`` lists for skill sentences."""
    base_dir: Path = Path(".")
    """Folder of the config file; relative paths resolve against it."""

    @model_validator(mode="after")
    def _skills_known(self) -> Config:
        problems = skill_problems(self.skills, self.lists)
        if problems:
            raise ValueError(f"{problems[0][0]}: {problems[0][1]}")
        return self

    def resolve(self, path: str) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    @property
    def models_dir(self) -> Path:
        return self.resolve(self.models.dir)

    @property
    def data_dir(self) -> Path:
        if self.storage.dir:
            return self.resolve(self.storage.dir)
        state = os.environ.get("STATE_DIRECTORY", "").split(":")[0]
        return Path(state) if state else self.base_dir / "data"


def skill_problems(
    skills: tuple[SkillConfig, ...], lists: dict[str, SlotList]
) -> list[tuple[str, str]]:
    """(TOML path, message) of every mistake across the skills."""
    from .intent.sentence_data import builtin_slot_names
    from .skill_check import shadowed, unknown_rules

    known = builtin_slot_names() | set(lists)
    problems: list[tuple[str, str]] = []
    names: set[str] = set()
    for index, skill in enumerate(skills):
        if skill.name in names:
            problems.append((f"skills[{index}].name", f"a second skill {skill.name!r}"))
        names.add(skill.name)
        for number, sentence in enumerate(skill.sentences):
            for slot in _SLOT.findall(sentence):
                if slot not in known:
                    problems.append(
                        (
                            f"skills[{index}].sentences[{number}]",
                            f"unknown slot {{{slot}}} (add it under [lists.{slot}])",
                        )
                    )
    problems += unknown_rules(skills)
    if not problems and skills:  # the sentences load: does each reach its skill?
        problems += shadowed(skills, lists)
    return problems


def _format_error(path: Path, err: ValidationError, text: str = "") -> str:
    return _format_problem(path, err.errors()[0], text)


def _format_problem(path: Path, first: Any, text: str = "") -> str:
    loc = ".".join(
        f"[{part}]" if isinstance(part, int) else str(part) for part in first["loc"]
    ).replace(".[", "[")
    value = first.get("input")
    shown = f" (got {value!r})" if not isinstance(value, dict) else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    line = line_of(text, loc or message)
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: {loc}: {message}{shown}" if loc else f"{where}: {message}"


def load_config(path: Path | None = None) -> Config:
    """Load and validate ``path`` (default: the repository's ``config.toml``)."""
    path = (path or DEFAULT_CONFIG).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError("config-missing", f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError("config-syntax", syntax_problem(path, err)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError("config-unreadable", f"{path}: {err}") from None
    return config_from_dict(data, path, text)


def config_problems(path: Path | None = None) -> list[str]:
    """Every problem of the file at ``path``, one line each (empty: it is valid)."""
    path = (path or DEFAULT_CONFIG).expanduser()
    try:
        load_config(path)
    except ConfigError as err:
        first = err.message
        if err.code != "config-invalid":
            return [first]
    else:
        return []
    text = path.read_text(encoding="utf-8")
    data = {**tomllib.loads(text), "base_dir": path.resolve().parent}
    try:
        Config.model_validate(data, context={"base_dir": data["base_dir"]})
    except ValidationError as invalid:
        errors = invalid.errors()
        if all(e["loc"] == () for e in errors):  # only the skills across the file
            return by_line(_all_skill_problems(path, data, text), path) or [first]
        return by_line([_format_problem(path, e, text) for e in errors], path)
    return [first]


def problem_at(path: Path, loc: str, message: str) -> str:
    """``file:line: loc: message`` for a problem found after loading ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    return _format_problem(path, {"loc": (), "msg": f"{loc}: {message}"}, text)


def _all_skill_problems(path: Path, data: dict[str, Any], text: str) -> list[str]:
    skills = tuple(SkillConfig.model_validate(t) for t in data.get("skills", ()))
    lists = {k: SlotList.model_validate(v) for k, v in data.get("lists", {}).items()}
    return [
        _format_problem(path, {"loc": (), "msg": f"{loc}: {message}"}, text)
        for loc, message in skill_problems(skills, lists)
    ]


def config_from_dict(data: dict[str, Any], path: Path, text: str = "") -> Config:
    """Validate an already parsed TOML document that came from ``path``."""
    data = dict(data)
    data["base_dir"] = path.resolve().parent
    try:
        cfg = Config.model_validate(data, context={"base_dir": data["base_dir"]})
    except ValidationError as err:
        raise ConfigError("config-invalid", _format_error(path, err, text)) from None
    _LOGGER.debug("Loaded config from %s", path)
    return cfg
