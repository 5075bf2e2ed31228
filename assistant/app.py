"""Assemble the assistant from its configuration."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .dialogue import Session
from .discovery import DiscoveryError, entity_from_table
from .errors import AssistantError, ConfigError, MqttError
from .events import EventCallback, PipelineEvent
from .ha_device import AssistantLink
from .handle import IntentHandler
from .home.alarm_control_panel import needs_code
from .home.model import Domain, Entity
from .home.registry import DeviceRegistry
from .identity import ServiceIdentity, one_shot_client_id
from .intent.acoustic import AcousticLimits
from .intent.cascade import Cascade
from .intent.decision import Thresholds
from .intent.memory import MEMORY_FILE, Memory
from .intent.rules import HassilRecognizer
from .models import ModelStore
from .mqtt import HomeAssistantMqtt
from .overrides import overrides_adjuster
from .pipeline import Pipeline
from .skill_config import SlotList
from .skills import SkillRunner, skill_sentences
from .timers import Timers

if TYPE_CHECKING:
    from .frontend import FrontEnd
    from .llm.understand import LlmUnderstanding
    from .stt import FasterWhisperTranscriber, Transcriber
    from .vad import Endpointer
    from .wake import WakeDetector

_LOGGER = logging.getLogger(__name__)


@dataclass
class Assistant:
    cfg: Config
    pipeline: Pipeline
    mqtt: HomeAssistantMqtt
    registry: DeviceRegistry
    recognizer: HassilRecognizer
    link: AssistantLink
    timers: Timers = field(default_factory=Timers)
    llm: LlmUnderstanding | None = None
    identity: ServiceIdentity | None = None

    async def close(self) -> None:
        self.timers.close()
        if self.llm is not None:
            await asyncio.to_thread(self.llm.worker.close)
        await self.mqtt.stop(farewell=self.link.will)
        if self.identity is not None:
            self.identity.release()


def registry_from_config(
    cfg: Config, adjust: Callable[[Entity], Entity]
) -> DeviceRegistry:
    registry = DeviceRegistry()
    for index, table in enumerate(cfg.devices):
        try:
            registry.upsert(adjust(entity_from_table(table, f"devices[{index}]")))
        except DiscoveryError as err:
            raise ConfigError(
                "config-invalid", f"{cfg.base_dir / 'config.toml'}: {err.message}"
            ) from None
    return registry


def llm_from_config(
    cfg: Config, store: ModelStore, registry: DeviceRegistry
) -> LlmUnderstanding | None:
    """The LLM stage, its worker not started yet; None when ``[llm]`` is off."""
    if not cfg.llm.enabled:
        return None
    from .llm.understand import LlmUnderstanding
    from .llm.worker import LlmWorker

    if cfg.llm.model.endswith(".gguf"):
        path = cfg.resolve(cfg.llm.model)
        if not path.is_file():
            raise ConfigError(
                "config-invalid",
                f"{cfg.base_dir / 'config.toml'}: llm.model: no file {path}",
            )
    else:
        folder = store.require(cfg.llm.model)
        ggufs = [f.path for f in store.spec(cfg.llm.model).files if ".gguf" in f.path]
        if not ggufs:
            raise ConfigError(
                "config-invalid",
                f"{cfg.base_dir / 'config.toml'}: llm.model: model "
                f"{cfg.llm.model!r} has no .gguf file",
            )
        path = folder / ggufs[0]
    worker = LlmWorker(
        path, threads=cfg.llm.threads, timeout_seconds=cfg.llm.timeout_seconds
    )
    return LlmUnderstanding(
        worker,
        registry.state,
        min_score=cfg.llm.min_score,
        min_margin=cfg.llm.min_margin,
        answer_tokens=cfg.llm.answer_tokens,
    )


def wake_words(model: str) -> tuple[str, ...]:
    """Words of the wake phrase, dropped when Whisper hears them before the command."""
    words = Path(model).stem.split("_v0")[0].replace("_", " ").split()
    return (*words, "ok", "okay", "hey")


async def build_assistant(
    cfg: Config,
    *,
    audio: bool = True,
    speech: bool = True,
    event_callback: EventCallback | None = None,
    wait_for_broker: bool = True,
    service: bool = False,
    command: str = "cli",
) -> Assistant:
    """Load the models (verified by sha256), connect to MQTT and learn the devices.
    ``command`` names a one-shot process in its MQTT client id."""
    store = ModelStore(
        cfg.models_dir,
        cfg.resolve(cfg.models.manifest) if cfg.models.manifest else None,
    )
    adjust = overrides_adjuster(cfg)
    registry = registry_from_config(cfg, adjust)
    recognizer = HassilRecognizer(
        fuzzy_threshold=cfg.intent.fuzzy_threshold,
        drop_leading=wake_words(cfg.wake.model),
        extra=skill_sentences(cfg.skills, cfg.lists, cfg.homeassistant.site_id),
        device_lists=device_lists(cfg),
    )
    llm = llm_from_config(cfg, store, registry)

    uncoded: set[str] = set()  # alarm panels already warned about

    def devices_changed() -> None:
        entities = registry.entities()
        if not cfg.homeassistant.alarm_code:
            warn_code_missing(entities, cfg.homeassistant.alarm_code_env, uncoded)
        recognizer.update_devices(entities)
        cascade.update_devices()
        if llm is not None:
            llm.update_devices(entities)

    from .tts import PiperSynthesizer

    tts = (
        await asyncio.to_thread(PiperSynthesizer.from_config, cfg.tts, store)
        if speech
        else None
    )
    wake: WakeDetector | None = None
    endpointer: Endpointer | None = None
    stt: FasterWhisperTranscriber | None = None
    hearer: Transcriber | None = None  # stt, or stt with a second model beside it
    front: FrontEnd | None = None
    if audio:
        from .frontend import front_end
        from .stt import FasterWhisperTranscriber, SecondOpinion
        from .vad import Endpointer, SileroSpeechProbability, SpeechSegmenter
        from .wake import wake_detector, wake_phrase

        wake = await asyncio.to_thread(wake_detector, cfg.wake, store)
        stt = await asyncio.to_thread(
            FasterWhisperTranscriber.from_config, cfg.stt, store
        )
        if cfg.wake.check_threshold or cfg.wake.micro_check_threshold:
            from .wake_check import CheckedWakeDetector

            wake = CheckedWakeDetector(
                wake,
                stt,
                wake_phrase(cfg.wake.model),
                cfg.wake.check_lag,
                cfg.wake.sentence_lag,
            )
        hearer = await asyncio.to_thread(SecondOpinion.beside, stt, cfg.stt, store)
        segmenter = SpeechSegmenter(
            silence_seconds=cfg.vad.silence_seconds,
            start_timeout_seconds=cfg.vad.start_timeout_seconds,
            max_seconds=cfg.vad.max_command_seconds,
        )
        endpointer = Endpointer(SileroSpeechProbability(), segmenter, cfg.vad.threshold)
        front = front_end(cfg.audio)
    timers = Timers()
    handler = IntentHandler(
        registry,
        confirm=cfg.homeassistant.confirm,
        skills=SkillRunner(cfg.skills, registry, timers=timers, data_dir=cfg.data_dir),
        alarm_code=cfg.homeassistant.alarm_code,
    )
    cascade = Cascade(
        recognizer,
        handler,
        Session(registry, cfg.llm.session_seconds),
        llm=llm,
        memory=Memory(cfg.data_dir / MEMORY_FILE if cfg.intent.learn else None),
        thresholds=thresholds(cfg),
        drop_leading=wake_words(cfg.wake.model),
        question_seconds=cfg.llm.session_seconds,
    )
    identity = ServiceIdentity(cfg.mqtt.client_id, cfg.data_dir) if service else None
    if identity is not None and identity.duplicate:
        _LOGGER.warning(
            "Another assistant service runs with data directory %s; connecting as %s",
            cfg.data_dir, identity.client_id,
        )  # fmt: skip
    client_id = (
        identity.client_id
        if identity is not None
        else one_shot_client_id(cfg.mqtt.client_id, command)
    )
    link = AssistantLink(
        cfg.homeassistant,
        cfg.mqtt,
        service=service,
        wake_threshold=cfg.wake.threshold,
        client_id=client_id,
    )
    mqtt = HomeAssistantMqtt(
        cfg.mqtt,
        registry,
        on_devices_changed=devices_changed,
        will=link.will,
        adjust=adjust,
        client_id=client_id,
    )
    link.attach(mqtt)
    try:
        await mqtt.start()
    except MqttError:
        if wait_for_broker:
            raise
        mqtt.start_background()  # a service keeps listening until the broker is back
    devices_changed()
    recognizer.recognize("set the kitchen light to fifty percent")  # warm hassil
    warn_unknown_devices(cfg, registry)
    for key in adjust.unmatched():
        _LOGGER.warning(
            'homeassistant.overrides."%s" matches no device (yet): check its '
            "entity id or name with `assistant home`", key,
        )  # fmt: skip
    if llm is not None:  # load the model and its prompt now, not on first use
        threading.Thread(
            target=_warm, args=(llm,), name="llm-warm", daemon=True
        ).start()

    pipeline = Pipeline(
        wake=wake,
        endpointer=endpointer,
        stt=hearer,
        recognizer=recognizer,
        handler=handler,
        publisher=mqtt,
        tts=tts,
        wake_config=cfg.wake,
        vad_config=cfg.vad,
        prompt=recognizer.vocabulary_prompt if cfg.stt.bias_prompt else None,
        event_callback=fan_out(link.on_event, event_callback),
        record_dir=cfg.resolve(cfg.debug.record_dir) if cfg.debug.record_dir else None,
        llm=llm,
        cascade=cascade,
        front_end=front,
    )
    return Assistant(
        cfg, pipeline, mqtt, registry, recognizer, link, timers, llm, identity
    )


def warn_code_missing(entities: list[Entity], env: str, warned: set[str]) -> None:
    """Once per alarm panel that needs a code: none is set up, so arming or
    disarming it by voice is refused (it says so)."""
    for entity in entities:
        if (
            entity.domain is not Domain.ALARM_CONTROL_PANEL
            or entity.entity_id in warned
        ):
            continue
        verbs = [
            v for v in ("arm", "disarm") if needs_code(entity, disarm=v == "disarm")
        ]
        if verbs:
            warned.add(entity.entity_id)
            _LOGGER.warning(
                "%s needs a code to %s, and the environment variable %s "
                "([homeassistant] alarm_code_env) is not set: asked to, it will "
                "say so and do nothing", entity.entity_id, " or ".join(verbs), env,
            )  # fmt: skip


def thresholds(cfg: Config) -> Thresholds:
    return Thresholds(
        act=cfg.intent.act_threshold,
        ask=cfg.intent.ask_threshold,
        word=cfg.intent.word_threshold,
        llm_act=cfg.intent.llm_act_threshold,
        llm_ask=cfg.intent.llm_ask_threshold,
        learn=cfg.intent.learn,
        names=AcousticLimits(
            act_lag=cfg.intent.name_act_lag,
            ask_lag=cfg.intent.name_ask_lag,
            margin=cfg.intent.name_margin,
            ask_margin=cfg.intent.name_ask_margin,
            frame_lag=cfg.intent.frame_lag,
            frame_margin=cfg.intent.frame_margin,
            foreign=cfg.intent.foreign_margin,
            foreign_ask=cfg.intent.foreign_ask_margin,
            opposite=cfg.intent.opposite_margin,
        ),
    )


def device_lists(cfg: Config) -> dict[str, SlotList]:
    return {name: s for name, s in cfg.lists.items() if s.from_ is not None}


def unknown_devices(cfg: Config, registry: DeviceRegistry) -> list[tuple[str, str]]:
    """(TOML path, message) for skill steps naming a device nobody announced."""
    from .intent import normalize

    known = {
        normalize(n)
        for e in registry.entities()
        for n in (e.entity_id, e.name, *e.aliases)
    }
    found = []
    for index, skill in enumerate(cfg.skills):
        for number, step in enumerate(skill.actions):
            name = step.device.name if step.device else None
            if name and "{" not in name and normalize(name) not in known:
                found.append(
                    (
                        f"skills[{index}].actions[{number}].device.name",
                        f"unknown device {name!r}",
                    )
                )
    return found


def warn_unknown_devices(cfg: Config, registry: DeviceRegistry) -> None:
    for where, message in unknown_devices(cfg, registry):
        _LOGGER.warning("%s: %s (not announced yet)", where, message)


def _warm(llm: LlmUnderstanding) -> None:
    try:
        llm.warm()
    except AssistantError as err:
        _LOGGER.error("%s", err)


def fan_out(*callbacks: EventCallback | None) -> EventCallback:
    """One event callback calling each of ``callbacks`` in turn."""
    chosen = [c for c in callbacks if c is not None]

    def emit(event: PipelineEvent) -> None:
        for callback in chosen:
            callback(event)

    return emit
