"""Running scripted calls: one call through a session, files of calls, in parallel.

Results are plain picklable data (no sessions, no menus) so worker processes
can send them back, and the order of results never depends on which worker
finished first: ``ivr test --jobs 4`` prints exactly what ``--jobs 1`` prints.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from ivr.calls import Hearing, Playing, Recognised, Step, recognised, run_step
from ivr.errors import IvrError
from ivr.events import HangUp
from ivr.menuindex import MenuIndex
from ivr.model import Menu
from ivr.nlu.rankers import menu_index
from ivr.scripted.audio_errors import AudioUnavailableError
from ivr.scripted.callfile import LoadedFile, load_call_file
from ivr.scripted.expect import CallView, Heard, check, where_the_call_is
from ivr.scripted.model import ScriptedCall
from ivr.session import Session

log = logging.getLogger(__name__)

#: Builds the hearing of one audio call: (menu, session, call) -> Hearing.
HearingFactory = Callable[[Menu, Session, ScriptedCall], Hearing]
#: Builds what hears a call's recordings (``play:`` steps): (menu, session, call, notice)
#: -> Playing; ``notice`` takes the lines the front end says once (``CallOutcome.notices``).
PlayingFactory = Callable[[Menu, Session, ScriptedCall, Callable[[str], None]], Playing]

PASS, FAIL, ERROR = "pass", "fail", "error"


@dataclass(frozen=True)
class Failure:
    step: int  # 1-based; 0 when the call failed before its first step
    where: str  # FILE:LINE:COL of the step
    step_text: str  # the step as written, e.g. expect_route: '113'
    expected: str
    got: str


@dataclass(frozen=True)
class TranscriptLine:
    who: str
    text: str
    kind: str
    at: float


@dataclass(frozen=True)
class CallOutcome:
    file: str
    name: str
    where: str
    status: str  # pass, fail or error
    audio: bool
    steps: int
    transcript: tuple[TranscriptLine, ...] = ()
    visits: tuple[tuple[str, str], ...] = ()
    heard: tuple[Heard, ...] = ()
    failure: Failure | None = None
    error: str | None = None
    call_seconds: float = 0.0  # virtual time the call lasted
    wall_seconds: float = 0.0
    unavailable: bool = False  # an audio call whose speech engines are not installed
    notices: tuple[str, ...] = ()  # what the front end said once (e.g. no free speech here)

    @property
    def ok(self) -> bool:
        return self.status == PASS


@dataclass(frozen=True)
class FileOutcome:
    path: str
    menu_path: str
    calls: tuple[CallOutcome, ...] = field(default=())

    @property
    def failed(self) -> int:
        return sum(1 for c in self.calls if c.status == FAIL)

    @property
    def errors(self) -> int:
        return sum(1 for c in self.calls if c.status == ERROR)


def default_hearing_factory(
    menu: Menu, session: Session, call: ScriptedCall, notice: Callable[[str], None] | None = None
) -> Hearing:
    """Real speech: the call's words synthesised, maybe noised, and recognised; ``notice``
    is told once when a node takes a described need nothing here can transcribe."""
    from ivr.scripted.audio import make_audio_hearing

    return make_audio_hearing(
        menu,
        session.grammar,
        lang=session.lang,
        noise_db=call.noise_db,
        caller_voice=call.caller_voice,
        seed=zlib.crc32(call.name.encode("utf-8")),
        node_free=lambda: session.free_speech,
        notice=notice,
    )


def default_playing_factory(
    menu: Menu, session: Session, call: ScriptedCall, notice: Callable[[str], None]
) -> Playing:
    """Recordings heard by the menu's own engine at the node the call is at."""
    from ivr.scripted.audio import make_recording_hearing

    return make_recording_hearing(
        menu,
        session.grammar,
        lang=session.lang,
        node_free=lambda: session.free_speech,
        notice=notice,
    )


def run_call(
    loaded: LoadedFile,
    call: ScriptedCall,
    *,
    audio: bool = False,
    hearing_factory: HearingFactory | None = None,
    index: MenuIndex | None = None,
    playing_factory: PlayingFactory | None = None,
) -> CallOutcome:
    """Run one call to its end or its first failed expectation.

    ``play`` steps are heard by a recogniser loaded at the call's first one
    (``playing_factory``, default the menu's engine), whether or not the call is
    an audio call: a recording is audio either way, and ``say`` stays text.
    """
    started = time.perf_counter()
    use_audio = audio or call.audio
    session = Session(loaded.menu, lang=call.lang, start_time=call.at, index=index)
    heard: list[Heard] = []
    notices: list[str] = []
    base = CallOutcome(
        loaded.calls.path, call.name, str(call.where), PASS, use_audio, len(call.steps)
    )

    def finish(
        status: str,
        failure: Failure | None = None,
        error: str | None = None,
        unavailable: bool = False,
    ) -> CallOutcome:
        return CallOutcome(
            base.file,
            base.name,
            base.where,
            status,
            use_audio,
            base.steps,
            tuple(TranscriptLine(ln.who, ln.text, ln.kind, ln.at) for ln in session.transcript),
            tuple(session.visits),
            tuple(heard),
            failure,
            error,
            session.elapsed,
            time.perf_counter() - started,
            unavailable,
            tuple(notices),
        )

    def notice(text: str) -> None:
        if text not in notices:
            notices.append(text)

    play: Playing | None = None

    def recording(written: str) -> Playing:
        """Hears a recording (the recogniser loaded at the first), noting it as written."""

        def playing(path: str) -> Recognised:
            nonlocal play
            if play is None:
                factory = playing_factory or default_playing_factory
                play = factory(loaded.menu, session, call, notice)
            got = play(path)
            heard.append(Heard(written, got.text, got.confidence, got.source, played=True))
            return got

        return playing

    hearing: Hearing | None = None
    try:
        if use_audio:
            if hearing_factory is not None:
                hear = hearing_factory(loaded.menu, session, call)
            else:
                hear = default_hearing_factory(loaded.menu, session, call, notice)

            def hearing(said: str) -> Recognised:
                got = recognised(hear(said))
                heard.append(Heard(said, got.text, got.confidence, got.source))
                return got

        session.start()
    except AudioUnavailableError as exc:
        return finish(ERROR, error=str(exc), unavailable=True)
    except IvrError as exc:
        return finish(ERROR, error=str(exc))
    view = CallView(session, [ln for ln in session.transcript if ln.who == "ivr"], heard)
    for number, step in enumerate(call.steps, start=1):
        if step.is_action:
            if session.ended:
                failure = Failure(
                    number,
                    str(step.where),
                    step.describe(),
                    f"the call to be still going for {step.describe()}",
                    f"it had already ended: {where_the_call_is(session)}",
                )
                return finish(FAIL, failure)
            mark = len(session.transcript)
            if step.kind == "say" and hearing is None:
                heard.append(Heard(step.value, step.value, 1.0))
            try:
                if step.kind == "hangup":
                    session.send(HangUp())
                elif step.kind == "play":
                    run_step(
                        session,
                        Step("play", step.file or step.value),
                        playing=recording(step.value),
                    )
                else:
                    run_step(session, Step(step.kind, step.value), hearing)
            except AudioUnavailableError as exc:
                return finish(ERROR, error=str(exc), unavailable=True)
            except IvrError as exc:
                return finish(ERROR, error=f"step {number} ({step.where}): {exc}")
            said = [ln for ln in session.transcript[mark:] if ln.who == "ivr"]
            if said:
                view.turn = said
            continue
        mismatch = check(step, view)
        if mismatch is not None:
            failure = Failure(
                number, str(step.where), step.describe(), mismatch.expected, mismatch.got
            )
            return finish(FAIL, failure)
    return finish(PASS)


def run_loaded(
    loaded: LoadedFile,
    *,
    audio: bool = False,
    hearing_factory: HearingFactory | None = None,
    only: Sequence[str] | None = None,
    playing_factory: PlayingFactory | None = None,
    index: MenuIndex | None = None,
) -> list[CallOutcome]:
    """Run the calls of one loaded file: all, or those named in ``only`` (names are unique
    in a file, and stay right when the file was narrowed by ``-k`` or ``--shard``).
    ``index``: the menu's understanding index, when the caller keeps one."""
    index = index or menu_index(loaded.menu)
    calls = loaded.calls.calls
    if only is None:
        picked = list(calls)
    else:
        by_name = {call.name: call for call in calls}
        picked = [by_name[name] for name in only]
    return [
        run_call(
            loaded,
            call,
            audio=audio,
            hearing_factory=hearing_factory,
            index=index,
            playing_factory=playing_factory,
        )
        for call in picked
    ]


# -- worker processes ------------------------------------------------------------
_WORKER_FILES: dict[str, tuple[LoadedFile, MenuIndex]] = {}


def _run_chunk(path: str, names: list[str], audio: bool) -> list[CallOutcome]:
    """In a worker: load the file and its menu's index once per process, run the named calls."""
    kept = _WORKER_FILES.get(path)
    if kept is None:
        loaded = load_call_file(path)
        kept = _WORKER_FILES[path] = (loaded, menu_index(loaded.menu))
    return run_loaded(kept[0], audio=audio, only=names, index=kept[1])


def _chunks(names: Sequence[str], jobs: int) -> list[list[str]]:
    """Split a file's calls into contiguous chunks, a few per worker, to balance load."""
    size = max(1, -(-len(names) // (jobs * 4)))
    return [list(names[i : i + size]) for i in range(0, len(names), size)]


def run_files(
    files: Sequence[LoadedFile],
    *,
    jobs: int = 1,
    audio: bool = False,
    hearing_factory: HearingFactory | None = None,
    playing_factory: PlayingFactory | None = None,
) -> list[FileOutcome]:
    """Run every call of every (already loaded and checked) file, in file and call order.

    With ``jobs`` > 1 chunks of calls go to worker processes; each worker loads
    a file's menu once. A custom ``hearing_factory`` or ``playing_factory``
    cannot cross processes, so it forces ``jobs`` to 1.
    """
    if jobs < 1:
        raise IvrError(f"--jobs {jobs} must be 1 or more", "e.g. --jobs 4")
    if jobs == 1 or hearing_factory is not None or playing_factory is not None:
        return [
            FileOutcome(
                f.calls.path,
                f.calls.menu_path,
                tuple(
                    run_loaded(
                        f,
                        audio=audio,
                        hearing_factory=hearing_factory,
                        playing_factory=playing_factory,
                    )
                ),
            )
            for f in files
        ]
    # Workers start from a fresh interpreter (forkserver), not a fork of this one: a
    # fork of a process whose OpenMP threads are running (the embedding model's)
    # deadlocks in the child.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [
            [
                pool.submit(_run_chunk, f.calls.path, chunk, audio)
                for chunk in _chunks([c.name for c in f.calls.calls], jobs)
            ]
            for f in files
        ]
        return [
            FileOutcome(
                f.calls.path,
                f.calls.menu_path,
                tuple(c for future in file_futures for c in future.result()),
            )
            for f, file_futures in zip(files, futures, strict=True)
        ]
