"""Video clips (issue 18): the probe's verdict and message for each kind of bad file, the WebVTT
parser's located errors, the deck's `video:` checks, playback pixels, a slow decoder that must not
hold up a frame, the lobby's time for a clip, and the poster in exports."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pygame
import pytest
import yaml
from conftest import TODAY
from hypothesis import given, settings
from hypothesis import strategies as st
from videoclips import BLUE, GREEN, RED, make_clip, make_long_clip

from kiosk.content.captions import CaptionError, parse_captions
from kiosk.content.loader import check_deck, load_deck
from kiosk.content.videofile import VideoRefused, probe_video
from kiosk.core.program import Mode, build_program
from kiosk.core.state import initial_state
from kiosk.core.theme import THEMES
from kiosk.layout.items import Picture
from kiosk.render.export import export
from kiosk.render.painter import Fonts
from kiosk.render.stage import Stage
from kiosk.render.video import ClipPlayer, VideoLayer, VideoTarget, decode_frames, wrap_caption

# -- the probe ------------------------------------------------------------------------------


def test_a_good_clip_is_measured(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "ok.mp4", size=(64, 48), fps=10, colours=(RED, BLUE))
    info = probe_video(clip, "ok.mp4")
    assert (info.width_px, info.height_px, info.codec) == (64, 48, "h264")
    assert info.duration_s == pytest.approx(2.0, abs=0.11)
    assert info.frame_rate == pytest.approx(10)


def test_a_webm_clip_is_measured(tmp_path: Path) -> None:
    info = probe_video(make_clip(tmp_path / "ok.webm", codec="libvpx-vp9"), "ok.webm")
    assert info.codec == "vp9"


def _refused(path: Path, value: str) -> str:
    with pytest.raises(VideoRefused) as caught:
        probe_video(path, value)
    return str(caught.value)


def test_a_4k_clip_is_refused_with_its_size(tmp_path: Path) -> None:
    message = _refused(make_clip(tmp_path / "big.mp4", size=(3840, 2160), fps=1), "big.mp4")
    assert "3840x2160 pixels" in message and "1920x1080" in message and "Export it at 1080p" in message


def test_a_huge_picture_is_refused_before_decoding(tmp_path: Path) -> None:
    # 8192x4320 (35 megapixels a frame, from a 100 KB file): refused from the header alone.
    message = _refused(make_clip(tmp_path / "bomb.mp4", size=(8192, 4320), fps=1), "bomb.mp4")
    assert "8192x4320 pixels" in message


def test_a_ten_hour_clip_is_refused_with_its_length(tmp_path: Path) -> None:
    message = _refused(make_long_clip(tmp_path / "long.mp4", hours=10), "long.mp4")
    assert "lasts 10:00:0" in message and "at most 5:00" in message


def test_a_truncated_clip_is_refused(tmp_path: Path) -> None:
    whole = make_clip(tmp_path / "whole.mp4", colours=(RED, BLUE, GREEN) * 3).read_bytes()
    for cut in (len(whole) // 2, 48):
        (tmp_path / "cut.mp4").write_bytes(whole[:cut])
        message = _refused(tmp_path / "cut.mp4", "cut.mp4")
        assert "cut short" in message, message


def test_a_clip_cut_after_its_header_is_refused(tmp_path: Path) -> None:
    # The header (moov) first, as web-ready MP4s are: the header still claims the full length.
    repo_clip = Path(__file__).resolve().parent.parent / "assets" / "videos" / "how-it-works.mp4"
    data = repo_clip.read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 3])
    message = _refused(tmp_path / "cut.mp4", "cut.mp4")
    assert "is cut short" in message and "0:16" in message


def test_a_text_file_named_mp4_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.mp4").write_text("Remember to buy milk.\n" * 40)
    message = _refused(tmp_path / "notes.mp4", "notes.mp4")
    assert "not a video the kiosk can read" in message and "H.264" in message


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert "is empty" in _refused(tmp_path / "empty.mp4", "empty.mp4")


def test_a_slow_probe_gives_up_within_its_budget(tmp_path: Path, monkeypatch) -> None:
    import kiosk.content.videofile as videofile

    release = threading.Event()
    monkeypatch.setattr(videofile, "_probe", lambda path, value: release.wait(30))
    clip = make_clip(tmp_path / "ok.mp4")
    try:
        with pytest.raises(VideoRefused, match="took more than 0.2 s to open"):
            probe_video(clip, "ok.mp4", budget_s=0.2)
    finally:
        release.set()


# -- WebVTT -----------------------------------------------------------------------------------

GOOD_VTT = """WEBVTT

NOTE made by hand

1
00:00.500 --> 00:01.500 align:center
<v Nurse>Hello &amp; <i>welcome</i>.
Second line

00:01:02.000 --> 00:01:03.000
Later
"""


def test_webvtt_cues_are_read_with_tags_removed() -> None:
    captions = parse_captions(GOOD_VTT)
    assert [(c.start_s, c.end_s, c.text) for c in captions.cues] == [
        (0.5, 1.5, "Hello & welcome.\nSecond line"),
        (62.0, 63.0, "Later"),
    ]
    assert captions.lines == (6, 10)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("00:01.000 --> 00:02.000\nHi\n", 1, 1, "must start with the line WEBVTT"),
        ("WEBVTT\n\n00:01,000 --> 00:02.000\nHi\n", 3, 1, "uses a comma"),
        ("WEBVTT\n\n00:01.000 --> 00:0x.000\nHi\n", 3, 15, "is not a time"),
        ("WEBVTT\n\n00:03.000 --> 00:02.000\nHi\n", 3, 15, "ends before it starts"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n\n", 3, 1, "no text"),
        ("WEBVTT\n\n00:05.000 --> 00:06.000\nA\n\n00:01.000 --> 00:02.000\nB\n", 6, 1, "time order"),
        ("WEBVTT\n\nintro\njust words\n", 3, 1, "no time line"),
        ("WEBVTT\n00:01.000 --> 00:02.000\nHi\n", 2, 1, "blank line after the WEBVTT line"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nA\n00:03.000 --> 00:04.000\nB\n", 5, 11, "blank line between"),
        ("WEBVTT\n", 2, 1, "has no captions"),
        ("WEBVTT\n\n00:01.000-->00:02.000\nHi\n", 3, 10, "space on each side of -->"),
    ],
)
def test_webvtt_mistakes_are_located(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(CaptionError) as caught:
        parse_captions(text)
    error = caught.value
    assert words in error.message
    assert (error.line, error.column) == (line, column)


def test_a_caption_too_long_to_read_is_refused() -> None:
    with pytest.raises(CaptionError, match="Split it into two captions"):
        parse_captions("WEBVTT\n\n00:01.000 --> 00:02.000\n" + "word " * 80 + "\n")


# -- the deck's video fields ----------------------------------------------------------------


def _deck(folder: Path, slide: dict, *, languages: tuple[str, ...] = ("en",), mode: str = "touch") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    deck = {"title": "Test", "languages": list(languages), "mode": mode, "slides": ["clip"]}
    (folder / "deck.yaml").write_text(yaml.safe_dump(deck), encoding="utf-8")
    base = {"id": "clip", "title": "A clip", "summary": "A short clip to watch."}
    (folder / "clip.yaml").write_text(yaml.safe_dump({**base, **slide}, sort_keys=False), encoding="utf-8")
    return folder


def _messages(folder: Path) -> list[str]:
    return [p.format() for p in check_deck(folder, today=TODAY).problems if p.severity == "error"]


def test_a_clip_with_speech_needs_captions(tmp_path: Path) -> None:
    make_clip(tmp_path / "d" / "clip.mp4")
    messages = _messages(_deck(tmp_path / "d", {"video": "clip.mp4"}))
    assert len(messages) == 1 and "clip.yaml:4:8: a clip with speech needs captions" in messages[0]
    assert "speech: false" in messages[0]


def test_a_silent_clip_needs_no_captions_and_frames_its_first_frame(tmp_path: Path) -> None:
    make_clip(tmp_path / "d" / "clip.mp4", size=(64, 48))
    deck = load_deck(_deck(tmp_path / "d", {"video": "clip.mp4", "speech": False}), today=TODAY)
    slide = deck.slides[0]
    assert slide.video is not None and slide.video.captions == ()
    assert slide.image is not None and slide.image.kind == "video"
    assert slide.image.aspect == pytest.approx(64 / 48)


def test_a_bad_clip_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "clip.mp4").write_text("not a video")
    messages = _messages(_deck(tmp_path / "d", {"video": "clip.mp4", "speech": False}))
    assert len(messages) == 1 and ":4:8: `clip.mp4` is not a video the kiosk can read" in messages[0]


def test_captions_are_checked_against_the_clip(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    make_clip(folder / "clip.mp4", colours=(RED, BLUE))  # 2 s
    (folder / "clip.en.vtt").write_text(
        "WEBVTT\n\n00:00.000 --> 00:01.000\nOne\n\n00:01.000 --> 00:09.000\nTwo\n"
    )
    (folder / "clip.es.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01,000\nUno\n")
    messages = _messages(
        _deck(
            folder,
            {"video": "clip.mp4", "captions": {"en": "clip.en.vtt", "es": "clip.es.vtt"}},
            languages=("en", "es"),
        )
    )
    assert any("clip.en.vtt:6:1: this caption ends at 9.000 s, after the clip ends" in m for m in messages)
    assert any("clip.es.vtt:3:15: `00:01,000` uses a comma" in m for m in messages)


def test_image_and_video_together_is_an_error(tmp_path: Path) -> None:
    make_clip(tmp_path / "d" / "clip.mp4")
    messages = _messages(
        _deck(tmp_path / "d", {"video": "clip.mp4", "speech": False, "image": "illustrations/session.svg"})
    )
    assert any("give either `image` or `video`" in m and "poster:" in m for m in messages)


def test_captions_without_a_video_is_an_error(tmp_path: Path) -> None:
    messages = _messages(_deck(tmp_path / "d", {"captions": {"en": "clip.en.vtt"}}))
    assert any("`captions` belongs to a video clip" in m for m in messages)


def test_a_clip_of_the_wrong_kind_is_named(tmp_path: Path) -> None:
    messages = _messages(_deck(tmp_path / "d", {"video": "clip.avi", "speech": False}))
    assert any("a clip must be an .mp4 or .webm file" in m for m in messages)


def test_the_production_deck_has_the_animation_with_captions(production_deck) -> None:
    slide = production_deck.slide("how-it-works")
    video = slide.video
    assert video is not None and 12 <= video.duration_s <= 20
    assert video.path.stat().st_size < 2 * 1024 * 1024
    assert {code for code, _ in video.captions} == {"en", "es"}
    for _, cues in video.captions:
        assert cues and all(cue.end_s <= video.duration_s for cue in cues)


# -- the lobby's time -----------------------------------------------------------------------


def test_a_slide_with_a_clip_stays_up_at_least_its_length(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    make_clip(folder / "clip.mp4", fps=2, colours=(RED,) * 40)  # 40 s: longer than the reading time
    deck = load_deck(_deck(folder, {"video": "clip.mp4", "speech": False}, mode="lobby"), today=TODAY)
    program = build_program(deck, Mode.LOBBY)
    assert program.durations_s[0] >= 40.0
    without = replace(deck, slides=(replace(deck.slides[0], video=None),))
    assert build_program(without, Mode.LOBBY).durations_s[0] < 40.0  # only the reading time


# -- playback -------------------------------------------------------------------------------


@pytest.fixture()
def surface():
    pygame.display.init()
    yield pygame.Surface((400, 300))


def _wait_for_frame(layer: VideoLayer, target: pygame.Surface, timeout_s: float = 20.0) -> pygame.Rect:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        rect = layer.draw(target)
        if rect is not None:
            return rect
        time.sleep(0.01)
    raise AssertionError("no frame arrived")


def _close(a, b, tolerance: int = 40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a[:3], b, strict=True))


def test_decoded_frames_are_scaled_to_the_frame_and_keep_their_colour(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "c.mp4", size=(64, 48), fps=10, colours=(RED, BLUE))
    frames = list(decode_frames(clip, (100, 75)))
    assert len(frames) == 20
    at, data, pitch = frames[0]
    picture = pygame.image.frombuffer(data, (100, 75), "RGB", pitch)
    assert at == 0.0 and _close(picture.get_at((50, 37)), RED)
    at, data, pitch = frames[-1]
    assert at == pytest.approx(1.9) and _close(
        pygame.image.frombuffer(data, (100, 75), "RGB", pitch).get_at((5, 5)), BLUE
    )


def test_the_layer_draws_the_clip_in_its_rect_and_the_caption_below(tmp_path: Path, surface) -> None:
    folder = tmp_path / "d"
    make_clip(folder / "clip.mp4", size=(160, 120), fps=10, colours=(GREEN,) * 4)
    (folder / "clip.en.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:04.000\nHello\n")
    deck = load_deck(_deck(folder, {"video": "clip.mp4", "captions": {"en": "clip.en.vtt"}}), today=TODAY)
    video = deck.slides[0].video
    assert video is not None
    layer = VideoLayer(Fonts())
    surface.fill((0, 0, 0))
    layer.show(VideoTarget(video, (40, 30, 320, 240), "en", ("s",)))
    try:
        rect = _wait_for_frame(layer, surface)
        assert rect == pygame.Rect(40, 30, 320, 240)
        assert _close(surface.get_at((200, 60)), GREEN)  # the clip, scaled into the rect
        assert surface.get_at((20, 20))[:3] == (0, 0, 0)  # nothing outside it
        assert surface.get_at((45, 265))[:3] == (16, 22, 28)  # the caption's dark band at the bottom
        assert layer.due(100.0) is not None
    finally:
        layer.close()
    assert layer.player is None


def test_a_screen_change_stops_the_decoding_thread(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "c.mp4", fps=10, colours=(RED,) * 30)
    player = ClipPlayer(clip, (32, 24))
    player.stop()
    player.join(10)
    assert not player.alive


def test_the_clip_loops(tmp_path: Path) -> None:
    calls = []

    def short(path, size):
        calls.append(path)
        yield 0.0, bytes(3 * 4 * 4), 12

    player = ClipPlayer(Path("x.mp4"), (4, 4), decoder=short, frame_s=0.01)
    deadline = time.monotonic() + 20
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    player.stop()
    assert len(calls) >= 3


def test_a_broken_clip_fails_quietly_and_asks_for_no_frames(tmp_path: Path, surface) -> None:
    (tmp_path / "bad.mp4").write_text("no video")
    player = ClipPlayer(tmp_path / "bad.mp4", (32, 24))
    player.join(20)
    assert player.failed and player.take() is None


def test_a_slow_decoder_never_holds_up_the_frame_loop_and_the_poster_stays(tmp_path: Path) -> None:
    """The whole kiosk, with a decoder that never delivers: the frame shows the poster (the clip's
    first frame, red) and every tick returns."""
    from kiosk.runtime.app import Kiosk, Settings

    folder = tmp_path / "d"
    make_clip(folder / "clip.mp4", size=(160, 120), colours=(RED, BLUE))
    deck = load_deck(_deck(folder, {"video": "clip.mp4", "speech": False}), today=TODAY)
    display = pygame.display.set_mode((1280, 720))
    clock = [0.0]
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), display, clock=lambda: clock[0])
    started = threading.Event()
    release = threading.Event()

    def stuck(path, size):
        started.set()
        release.wait(60)
        yield from ()

    kiosk.video = VideoLayer(kiosk.stage.fonts, decoder=stuck)
    try:
        kiosk.tick()
        assert started.wait(20)
        for _ in range(5):
            clock[0] += 0.5
            kiosk.tick()
        layout = kiosk.stage.layout(kiosk.state.view)
        picture = next(item for item in layout.items if isinstance(item, Picture))
        centre = (picture.box.x + picture.box.w // 2, picture.box.y + picture.box.h // 2)
        assert _close(display.get_at(centre), RED)  # the poster: the clip's first frame
        assert kiosk.video.player is not None and kiosk.video.player.alive
        assert kiosk.sleep_s() < 0.2  # it looks again soon, without waiting on the decoder
    finally:
        release.set()
        kiosk.video.close()


def test_the_kiosk_plays_the_clip_in_the_pictures_frame(tmp_path: Path) -> None:
    from kiosk.runtime.app import Kiosk, Settings

    folder = tmp_path / "d"
    make_clip(folder / "clip.mp4", size=(160, 120), fps=10, colours=(RED,) * 3 + (BLUE,) * 30)
    deck = load_deck(_deck(folder, {"video": "clip.mp4", "speech": False}), today=TODAY)
    display = pygame.display.set_mode((1280, 720))
    clock = [0.0]
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), display, clock=lambda: clock[0])
    try:
        kiosk.tick()
        layout = kiosk.stage.layout(kiosk.state.view)
        picture = next(item for item in layout.items if isinstance(item, Picture))
        centre = (picture.box.x + picture.box.w // 2, picture.box.y + picture.box.h // 2)
        assert _close(display.get_at(centre), RED)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _close(display.get_at(centre), BLUE):
            kiosk.tick()
            time.sleep(0.02)
        assert _close(display.get_at(centre), BLUE)  # later frames of the clip, in the same place
        outside = (picture.box.x - 30, picture.box.y + picture.box.h // 2)
        assert not _close(display.get_at(outside), BLUE)
    finally:
        kiosk.video.close()


def _fake_video(w: int, h: int, *, duration_s: float, captions: tuple = (), speech: bool = True):
    """A checked clip as the layer sees it, for layers fed by a fake decoder (no file is read)."""
    from kiosk.content.deck import Image, Video

    return Video(
        path=Path("x.mp4"),
        duration_s=duration_s,
        width_px=w,
        height_px=h,
        frame_rate=25.0,
        codec="h264",
        poster=Image(Path("x.mp4"), "video", w / h),
        captions=captions,
        speech=speech,
    )


def _caption_cap_height(viewing, screen: tuple[int, int], rect: tuple[int, int, int, int]) -> int:
    """The height of the capitals a layer draws for the caption "VEIN" in `rect` on `screen`."""
    from kiosk.content.deck import Cue

    pygame.display.init()
    w, h = rect[2:]

    release = threading.Event()

    def one_frame(path, size):
        yield 0.0, bytes(3 * size[0] * size[1]), 3 * size[0]  # black
        release.wait(60)

    cues = (("en", (Cue(start_s=0.0, end_s=10.0, text="VEIN"),)),)
    video = _fake_video(w, h, duration_s=10.0, captions=cues, speech=False)
    surface = pygame.Surface(screen)
    layer = VideoLayer(Fonts(), decoder=one_frame, viewing=viewing)
    layer.show(VideoTarget(video, rect, "en", ("s",)))
    player = layer.player
    try:
        _wait_for_frame(layer, surface)
    finally:
        release.set()
        layer.close()
        if player is not None:
            player.join(10)  # no decoding thread is left behind for the next test to count
    x, y = rect[:2]
    inked = [
        row
        for row in range(y, y + h)
        if any(surface.get_at((col, row))[0] > 200 for col in range(x, x + w, 2))  # white text
    ]
    assert inked, "no caption drawn"
    return inked[-1] - inked[0] + 1


def test_a_lobby_caption_is_as_large_as_the_legibility_rule_asks_and_a_touch_one_fits_its_frame() -> None:
    """A portrait lobby TV's clip frame is small for the room: its captions still meet the rule's
    floor for small text (kiosk.core.legibility: capitals of 1/200 of the viewing distance), where
    a touch screen's, read at arm's length, keep to the frame's share."""
    from kiosk.core.legibility import CAP_HEIGHT_EM, Viewing, text_floor

    screen, rect = (1080, 1920), (340, 250, 400, 300)
    floor = text_floor(Viewing(), *screen)
    lobby = _caption_cap_height(Viewing(), screen, rect)
    touch = _caption_cap_height(None, screen, rect)
    assert lobby >= floor.small_px * CAP_HEIGHT_EM - 1, (lobby, floor)
    assert touch < floor.small_px * CAP_HEIGHT_EM * 0.7, touch  # 7.5 % of a 300 px frame: 22 px


def test_captions_wrap_within_the_frame() -> None:
    fonts = Fonts()
    lines = wrap_caption("Your blood flows through healthier veins.", 200, 30, fonts.measure)
    assert len(lines) >= 2 and all(fonts.measure(line, 30, True) <= 200 for line in lines)


# -- the poster in exports ------------------------------------------------------------------


def test_export_shows_the_first_frame_as_poster(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    make_clip(folder / "clip.mp4", size=(160, 120), colours=(BLUE, RED))
    deck = load_deck(_deck(folder, {"video": "clip.mp4", "speech": False}), today=TODAY)
    export(deck, tmp_path / "out", (1280, 720))
    shot = pygame.image.load(str(tmp_path / "out" / "01-clip.png"))
    program = build_program(deck, Mode.TOUCH)
    layout = Stage(program, THEMES["warm"], (1280, 720)).layout(initial_state(program, 0.0, "en").view)
    picture = next(item for item in layout.items if isinstance(item, Picture))
    assert _close(shot.get_at((picture.box.x + picture.box.w // 2, picture.box.y + picture.box.h // 2)), BLUE)


def test_the_handout_prints_the_first_frame_as_poster(tmp_path: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 (test extra) renders the handout")
    from kiosk.tools.handout import build_handout

    folder = tmp_path / "d"
    make_clip(folder / "clip.mp4", size=(160, 120), colours=(BLUE, RED))
    deck = load_deck(_deck(folder, {"video": "clip.mp4", "speech": False}), today=TODAY)
    data, _ = build_handout(deck)
    page = pdfium.PdfDocument(data)[0]
    raw = page.render(scale=1).to_pil().convert("RGB").tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    assert sum(1 for pixel in pixels if _close(pixel, BLUE)) > 500  # the first frame (blue)
    assert sum(1 for pixel in pixels if _close(pixel, RED, 20)) < 50  # not a later (red) one


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["WEBVTT", "", "00:01.000 --> 00:02.000", "NOTE x", "1", "Hi <b>there</b>"]),
            st.text(max_size=30),
        ),
        max_size=12,
    )
)
@settings(max_examples=300, deadline=None)
def test_webvtt_parser_fuzz_gives_cues_or_a_located_error(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        captions = parse_captions(text)
    except CaptionError as error:
        # WebVTT ends a line at CR, LF or CRLF, as editors do: a lone CR is a line too.
        lines_in_file = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        assert 1 <= error.line <= lines_in_file + 1 and error.column >= 1 and error.message
    else:
        assert captions.cues and all(cue.end_s > cue.start_s and cue.text for cue in captions.cues)


def test_hot_reload_sees_an_edited_caption_file_in_assets(tmp_path: Path) -> None:
    """Files in the deck folder are watched anyway; a clip's files in assets/ must be too."""
    from kiosk.runtime.reload import Reloader

    folder, assets = tmp_path / "d", tmp_path / "assets"
    make_clip(assets / "videos" / "clip.mp4", colours=(RED, BLUE))
    captions = assets / "videos" / "clip.en.vtt"
    captions.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nBefore\n")
    _deck(folder, {"video": "videos/clip.mp4", "captions": {"en": "videos/clip.en.vtt"}})
    deck = load_deck(folder, assets=assets, today=TODAY)
    load = lambda f: check_deck(f, assets=assets, today=TODAY)  # noqa: E731
    reloader = Reloader(folder, load, current=deck, quiet_s=0, poll_s=0)
    captions.write_text("WEBVTT\n\n00:00.000 --> 00:01.500\nAfter the edit\n")
    report = reloader.poll(1.0) or reloader.poll(2.0)
    assert report is not None and report.deck is not None
    video = report.deck.slides[0].video
    assert video is not None and video.captions_for("en")[0].text == "After the edit"


def test_a_decoder_falling_behind_does_not_spin_the_loop(surface) -> None:
    """After the loop took the last frame, and while the next is still being decoded, `due` asks
    for a wait (a busy loop would cost a core), and asks for none once a frame waits."""
    release = threading.Event()
    first = threading.Event()

    def one_then_stuck(path, size):
        yield 0.0, bytes(3 * 4 * 4), 12
        first.set()
        release.wait(60)

    video = _fake_video(4, 4, duration_s=1.0)
    layer = VideoLayer(Fonts(), decoder=one_then_stuck)
    layer.show(VideoTarget(video, (0, 0, 4, 4), "en", ("s",)))
    try:
        assert first.wait(20)
        assert layer.due(50.0) == 50.0  # a frame waits: draw now
        assert layer.draw(surface) is not None
        assert layer.due(50.0) >= 50.0 + 0.04 / 4  # nothing new yet: wait at least a quarter frame
    finally:
        release.set()
        layer.close()


def test_monkey_on_the_deck_with_the_animation(production_deck, monkeypatch) -> None:
    """Random taps, keys, resizes and waits on the production deck (How it works plays its clip):
    every frame draws, clips start, and they stop with their screens (no threads pile up)."""
    from test_monkey import run_monkey

    layers: list[VideoLayer] = []
    started: list[Path] = []

    class Recorded(VideoLayer):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            layers.append(self)

        def show(self, target, **kwargs) -> None:
            if target is not None and target != self.target:
                started.append(target.video.path)
            super().show(target, **kwargs)

    monkeypatch.setattr("kiosk.runtime.app.VideoLayer", Recorded)
    try:
        counts = run_monkey(production_deck, 600, 11)
        assert sum(counts.values()) == 600
        assert started, "the monkey never settled on the animation's slide"
        deadline = time.monotonic() + 20
        players = [t for t in threading.enumerate() if t.name == "kiosk-video"]
        while len(players) > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
            players = [t for t in threading.enumerate() if t.name == "kiosk-video"]
        assert len(players) <= 1
    finally:
        for layer in layers:
            layer.close()


def test_a_clip_that_breaks_off_gives_way_to_its_poster(tmp_path: Path) -> None:
    """Frames arrive (green), then the file turns out damaged: the frame shows the poster (the
    file's first frame, blue) again, not the last green frame."""
    from kiosk.runtime.app import Kiosk, Settings

    folder = tmp_path / "d"
    make_clip(folder / "clip.mp4", size=(160, 120), colours=(BLUE, RED))
    deck = load_deck(_deck(folder, {"video": "clip.mp4", "speech": False}), today=TODAY)
    display = pygame.display.set_mode((1280, 720))
    clock = [0.0]
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), display, clock=lambda: clock[0])
    go_on = threading.Event()

    def breaks(path, size):
        green = bytes(GREEN) * (size[0] * size[1])
        for n in range(3):
            yield n * 0.04, green, size[0] * 3
        go_on.wait(30)
        raise ValueError("damaged data")

    kiosk.video = VideoLayer(kiosk.stage.fonts, decoder=breaks)
    try:
        kiosk.tick()
        layout = kiosk.stage.layout(kiosk.state.view)
        picture = next(item for item in layout.items if isinstance(item, Picture))
        centre = (picture.box.x + picture.box.w // 2, picture.box.y + picture.box.h // 2)
        deadline = time.monotonic() + 20
        while not _close(display.get_at(centre), GREEN) and time.monotonic() < deadline:
            kiosk.tick()
            time.sleep(0.01)
        assert _close(display.get_at(centre), GREEN)
        go_on.set()
        assert kiosk.video.player is not None
        kiosk.video.player.join(20)
        kiosk.tick()
        assert _close(display.get_at(centre), BLUE)
    finally:
        go_on.set()
        kiosk.video.close()


def test_the_gpu_path_plays_the_clip_in_the_same_place(tmp_path: Path) -> None:
    """Forced GPU (SDL's software renderer here): the presenter has no partial update, so each new
    clip frame redraws the whole frame with the clip drawn into the canvas."""
    from kiosk.render.gpu import GpuPresenter, open_renderer, open_window
    from kiosk.runtime.app import Kiosk, Settings

    folder = tmp_path / "d"
    make_clip(folder / "clip.mp4", size=(160, 120), fps=10, colours=(RED,) * 3 + (BLUE,) * 30)
    deck = load_deck(_deck(folder, {"video": "clip.mp4", "speech": False}), today=TODAY)
    window = open_window((1280, 720), fullscreen=False)
    presenter = GpuPresenter(window, open_renderer(window, software=True))
    clock = [0.0]
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), presenter, clock=lambda: clock[0])
    try:
        kiosk.tick()
        layout = kiosk.stage.layout(kiosk.state.view)
        picture = next(item for item in layout.items if isinstance(item, Picture))
        centre = (picture.box.x + picture.box.w // 2, picture.box.y + picture.box.h // 2)
        assert _close(presenter.frame().get_at(centre), RED)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _close(presenter.frame().get_at(centre), BLUE):
            kiosk.tick()
            time.sleep(0.02)
        frame = presenter.frame()
        assert _close(frame.get_at(centre), BLUE)  # later frames of the clip, drawn on the GPU path
        assert not _close(frame.get_at((picture.box.x - 30, centre[1])), BLUE)
    finally:
        kiosk.video.close()
        presenter.close()
