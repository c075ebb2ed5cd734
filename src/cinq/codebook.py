"""Codebooks: three-digit codes for frequent words and phrases, behind the CODE escape.

A codebook maps words and operational phrases to codes 000-999. The checkerboard writes
a code as its CODE cell followed by the three digits, so with ``ABORT`` = 123 on
Standard Table No. 1 ``ABORT NOW`` goes out as ``0 123 99 4 5 86``; in text the code is
written ``{123}`` (the form :meth:`Board.encode <cinq.checkerboard.Board.encode>` reads).

    book = build("fr", key="shared secret")      # both stations build the same book
    short = book.compress("RENDEZ-VOUS DEMAIN A LA GARE", board)
    book.expand(short)                           # -> the text again

A book holds only phrases in canonical form (what :func:`cinq.language.prepare` makes
of them on the language's default board), so the sender's prepared text and the book
agree letter for letter. Files are JSON, one entry per line, sorted by phrase::

    {"format": "cinq-codebook", "version": 1, "lang": "fr", "keyed": true,
     "entries": [{"code": "123", "phrase": "RENDEZ-VOUS"}, ...]}
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import language as lg
from .checkerboard import ESCAPE, Board
from .errors import BadInput, Location
from .files import atomic_write

FORMAT = "cinq-codebook"
VERSION = 1
SIZE = 1000  # three digits: codes 000-999

_CODE = re.compile(r"\{([0-9]{3})\}")
_ESCAPE_PROBE = "{000}"  # any code costs the same: the CODE cell and three digits
_WORDLIST_DEPTH = (5_000, 20_000)  # how far down wordfreq's list build() may look


@dataclass(frozen=True)
class Codebook:
    """A codebook for one language.

    ``entries`` maps canonical phrases (``"RENDEZ-VOUS"``, ``"MEETING PLACE"``) to
    codes 0-999, each code used once. ``keyed`` records that the codes were shuffled
    from a key; the key itself is never stored. Build one with :func:`build` or
    :meth:`Codebook.load`, or directly::

        Codebook("en", {"ABORT": 123})

    Raises :class:`~cinq.errors.BadInput` if an entry is not valid.
    """

    lang: str
    entries: Mapping[str, int]
    keyed: bool = False
    _by_code: Mapping[int, str] = field(init=False, repr=False, compare=False)
    # first word of each phrase -> the phrases starting with it, longest first
    _index: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    # id(board) -> (board, digits of an escape, does a code shorten this phrase?); the
    # board is held so that its id cannot be reused by another board meanwhile
    _costs: dict[int, tuple[Board, int, dict[str, bool]]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        profile = lg.language(self.lang)
        entries = dict(self.entries)
        by_code: dict[int, str] = {}
        index: dict[str, list[str]] = {}
        for phrase, code in entries.items():
            if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code < SIZE:
                raise BadInput(f"code of {phrase!r} must be a number 0-999, not {code!r}")
            if code in by_code:
                raise BadInput(f"code {code:03d} is used twice: {by_code[code]!r} and {phrase!r}")
            if problem := _phrase_problem(phrase, profile):
                raise BadInput(problem)
            by_code[code] = phrase
            index.setdefault(phrase[: _word_end(phrase, 0)], []).append(phrase)
        object.__setattr__(self, "lang", profile.code)
        object.__setattr__(self, "entries", MappingProxyType(entries))
        object.__setattr__(self, "_by_code", MappingProxyType(by_code))
        longest_first = {
            w: tuple(sorted(ps, key=lambda p: (-len(p), p))) for w, ps in index.items()
        }
        object.__setattr__(self, "_index", MappingProxyType(longest_first))

    def __repr__(self) -> str:
        keyed = ", keyed" if self.keyed else ""
        return f"Codebook({self.lang!r}, {len(self.entries)} entries{keyed})"

    # -- looking up -------------------------------------------------------------------

    def code(self, phrase: str) -> int | None:
        """The code of ``phrase``, or ``None`` if the book does not have it.

        The phrase may be written in any case and with accents: it is folded the
        book language's way first, so ``"rendez-vous"`` finds ``RENDEZ-VOUS``.
        """
        found = self.entries.get(phrase)
        if found is None:
            profile = lg.language(self.lang)
            try:
                found = self.entries.get(lg.prepare(phrase.strip(), profile.board, profile).text)
            except BadInput:
                return None  # a character no entry can hold
        return found

    def phrase(self, code: int) -> str | None:
        """The phrase for ``code`` (0-999), or ``None`` if the code is not used."""
        return self._by_code.get(code)

    # -- compress and expand ------------------------------------------------------------

    def compress(self, text: str, board: Board) -> str:
        """Replace the book's phrases in canonical ``text`` by ``{ddd}`` code escapes.

        Greedy, left to right: at each word start the longest phrase that ends at a
        word boundary is taken, and only if its code is shorter on ``board`` than the
        phrase itself. Escapes already in the text are left alone. On a board without
        a CODE cell the text comes back unchanged.

        >>> from cinq.checkerboard import board
        >>> Codebook("en", {"ABORT": 123}).compress("ABORT NOW", board("STANDARD-TABLE-1"))
        '{123} NOW'
        """
        if not board.has_code or not self.entries:
            return text
        shortens = self._shortens(board)
        out: list[str] = []
        done = i = 0  # text[:done] is in ``out``; ``i`` is where we look
        n = len(text)
        while i < n:
            if text[i] == "{" and (m := ESCAPE.match(text, i)):
                i = m.end()  # somebody's code or sign: not ours to touch
                continue
            if i and text[i - 1].isalnum():
                i += 1  # inside a word (or just after one): phrases start at word starts
                continue
            end = _word_end(text, i)
            for phrase in self._index.get(text[i:end], ()):
                stop = i + len(phrase)
                if (
                    text.startswith(phrase, i)
                    and (stop == n or not text[stop].isalnum())
                    and shortens(phrase)
                ):
                    out += (text[done:i], f"{{{self.entries[phrase]:03d}}}")
                    done = i = stop
                    break
            else:
                i = max(end, i + 1)  # no word starts inside this word
        out.append(text[done:])
        return "".join(out)

    def expand(self, text: str) -> str:
        """Replace every ``{ddd}`` escape whose code is in the book by its phrase.

        Codes the book does not have stay as they are, so the reader sees them.
        """
        by_code = self._by_code
        return _CODE.sub(lambda m: by_code.get(int(m.group(1)), m.group(0)), text)

    def _shortens(self, board: Board) -> Callable[[str], bool]:
        """A cached test: is the phrase longer on ``board`` than a CODE escape?"""
        slot = self._costs.get(id(board))
        if slot is None or slot[0] is not board:
            if len(self._costs) >= 8:  # a book meets few boards; keep the cache small
                self._costs.clear()
            slot = self._costs[id(board)] = (board, len(board.encode(_ESCAPE_PROBE)), {})
        _, escape, known = slot

        def shortens(phrase: str) -> bool:
            hit = known.get(phrase)
            if hit is None:
                hit = known[phrase] = _saves(phrase, board, escape)
            return hit

        return shortens

    # -- files ----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the book to ``path`` as JSON, atomically, mode 0644."""
        head = {"format": FORMAT, "version": VERSION, "lang": self.lang, "keyed": self.keyed}
        lines = [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
        rows = [
            json.dumps({"code": f"{code:03d}", "phrase": phrase}, ensure_ascii=False)
            for phrase, code in sorted(self.entries.items())
        ]
        body = ",\n    ".join(rows)
        text = "{\n" + "\n".join(lines) + '\n  "entries": [\n    ' + body + "\n  ]\n}\n"
        atomic_write(path, text, mode=0o644)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Codebook:
        """Read a book written by :meth:`save`.

        Raises :class:`~cinq.errors.BadInput` saying what is wrong: not JSON (with
        line and column), another format or version, a duplicate code or phrase, a
        code outside 000-999, a phrase that is empty or not canonical.
        """
        source = os.fspath(path)
        try:
            raw = Path(path).read_text(encoding="utf-8")
        except OSError as e:
            raise BadInput(f"cannot read codebook {source}: {e.strerror or e}") from None
        except UnicodeDecodeError:
            raise BadInput(f"{source}: not a cinq codebook (not UTF-8 text)") from None
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError as e:
            char = raw[e.pos] if e.pos < len(raw) else None
            where = Location(e.lineno, e.colno, char, source)
            raise BadInput(f"not a cinq codebook: bad JSON ({e.msg})", location=where) from None
        return cls._from_json(doc, source)

    @classmethod
    def _from_json(cls, doc: Any, source: str) -> Codebook:
        def bad(message: str) -> BadInput:
            return BadInput(f"{source}: {message}")

        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise bad(f'not a cinq codebook (no "format": "{FORMAT}")')
        version = doc.get("version")
        if isinstance(version, bool) or version != VERSION:
            raise bad(f"codebook version {version!r} is not supported (only {VERSION})")
        lang, keyed, items = doc.get("lang"), doc.get("keyed", False), doc.get("entries")
        if not isinstance(lang, str) or lang not in lg.LANGUAGES:
            raise bad(f"unknown language {lang!r}; known: {', '.join(lg.LANGUAGES)}")
        if not isinstance(keyed, bool):
            raise bad(f'"keyed" must be true or false, not {keyed!r}')
        if not isinstance(items, list):
            raise bad('"entries" must be a list of {"code": "123", "phrase": "..."}')
        profile = lg.language(lang)
        entries: dict[str, int] = {}
        by_code: dict[int, str] = {}
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict):
                raise bad(f'entry {n} must be {{"code": "123", "phrase": "..."}}, not {item!r}')
            code, phrase = item.get("code"), item.get("phrase")
            if not isinstance(code, str) or not re.fullmatch(r"[0-9]{3}", code):
                raise bad(f'entry {n}: code {code!r} is out of range: codes are "000"-"999"')
            if not isinstance(phrase, str):
                raise bad(f"entry {n}: phrase {phrase!r} must be text")
            if problem := _phrase_problem(phrase, profile):
                raise bad(f"entry {n}: {problem}")
            number = int(code)
            if number in by_code:
                raise bad(f"entry {n}: duplicate code {code} ({by_code[number]!r} and {phrase!r})")
            if phrase in entries:
                raise bad(f"entry {n}: duplicate phrase {phrase!r}")
            by_code[number] = phrase
            entries[phrase] = number
        return cls(lang, entries, keyed)


# -- building -------------------------------------------------------------------------


def build(lang: str, size: int = SIZE, key: str | None = None) -> Codebook:
    """Build a codebook of ``size`` entries (1-1000) for ``lang``.

    The entries are the language's operational phrases (``MEETING PLACE``,
    ``POINT DE RENCONTRE``, ``МЕСТО ВСТРЕЧИ`` ...) followed by its most frequent words
    (wordfreq), keeping only those a code makes shorter on the language's board.
    With ``key`` the codes are shuffled from the key, so two stations that share it
    build the same book; without one they are shuffled at random.

    Raises :class:`~cinq.errors.BadInput` for an unknown language, a size out of
    range or an empty key.
    """
    profile = lg.language(lang)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= SIZE:
        raise BadInput(f"codebook size must be 1-{SIZE}, not {size!r}")
    if key is not None and not key:
        raise BadInput("the codebook key must not be empty (leave it out for a random book)")
    phrases = _candidates(profile.code)[:size]
    if len(phrases) < size:
        raise BadInput(f"only {len(phrases)} phrases for {profile.name}, not {size}")
    rng: random.Random
    if key is None:
        rng = secrets.SystemRandom()
    else:
        # The salt and language keep one key from giving related books elsewhere.
        # surrogateescape: a key typed in a non-UTF-8 terminal reaches us as lone
        # surrogates; its original bytes are what the stations share.
        label = f"cinq-codebook:{profile.code}:{key}".encode("utf-8", "surrogateescape")
        seed = hashlib.sha256(label).digest()
        rng = random.Random(seed)
    codes = list(range(SIZE))
    rng.shuffle(codes)
    return Codebook(profile.code, dict(zip(phrases, codes[:size], strict=True)), key is not None)


@functools.cache
def _candidates(lang: str) -> tuple[str, ...]:
    """Up to 1000 canonical phrases for ``lang``, best first, each worth a code."""
    profile = lg.language(lang)
    b = profile.board
    escape = len(b.encode(_ESCAPE_PROBE))
    found: dict[str, None] = {}  # a dict keeps the order

    def add(text: str) -> None:
        try:
            phrase = lg.prepare(text, b, profile).text
        except BadInput:
            return  # a character the language's board cannot write: skip it
        if phrase and not _phrase_problem(phrase, profile) and _saves(phrase, b, escape):
            found.setdefault(phrase)

    # wordfreq takes a fifth of a second to import: only building a book needs it.
    import wordfreq

    for text in PHRASES[lang]:
        add(text)
    for depth in _WORDLIST_DEPTH:
        for word in wordfreq.top_n_list(lang, depth):
            if len(found) >= SIZE:
                return tuple(found)
            # Words only: wordfreq also lists figures, symbols and "z.b"-like pieces.
            if word[:1].isalpha() and word.replace("'", "").replace("-", "").isalpha():
                add(word)
    return tuple(found)


def _saves(phrase: str, b: Board, escape: int) -> bool:
    """Is ``phrase`` longer on ``b`` than an escape of ``escape`` digits?"""
    try:
        return len(b.encode(phrase)) > escape
    except BadInput:
        return False  # not writable on this board, so never in its text


def _phrase_problem(phrase: object, profile: lg.Language) -> str | None:
    """Why ``phrase`` cannot be a codebook entry, or ``None`` if it can."""
    if not isinstance(phrase, str):
        return f"phrase {phrase!r} must be text"
    if not phrase.strip():
        return f"phrase {phrase!r} is empty"
    if phrase != phrase.strip():
        return f"phrase {phrase!r} begins or ends with a space"
    if "{" in phrase or "}" in phrase:
        return f"phrase {phrase!r} holds a brace: braces are for escapes"
    try:
        canonical = lg.prepare(phrase, profile.board, profile).text
    except BadInput as e:
        return f"phrase {phrase!r}: {e.message}"
    if canonical != phrase:
        return f"phrase {phrase!r} is not canonical upper case: write it {canonical!r}"
    return None


def _word_end(text: str, i: int) -> int:
    """The end of the run of letters and digits starting at ``text[i]``."""
    n = len(text)
    while i < n and text[i].isalnum():
        i += 1
    return i


# -- operational phrases ----------------------------------------------------------------
# Written as a speaker of each language would; build() folds them (accents, ß ...)
# and drops those a code would not shorten (CAR is 5 digits on CT-55, as is a code).

PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "MEETING PLACE", "MEETING", "PLACE", "TIME", "MONEY", "DANGER", "CONFIRM",
        "CONFIRMED", "CANCEL", "CANCELLED", "ABORT", "AGENT", "CONTACT", "MESSAGE",
        "MESSAGE RECEIVED", "REPEAT", "URGENT", "TOMORROW", "TODAY", "YESTERDAY",
        "TONIGHT", "MORNING", "EVENING", "MIDNIGHT", "MONDAY", "TUESDAY", "WEDNESDAY",
        "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY", "HUNDRED", "THOUSAND", "MILLION",
        "DOCUMENTS", "PASSPORT", "CAR", "TRAIN", "STATION", "RAILWAY STATION", "AIRPORT",
        "BORDER", "SAFE HOUSE", "POLICE", "ARRESTED", "COMPROMISED", "PROCEED", "WAIT",
        "WAIT FOR INSTRUCTIONS", "INSTRUCTIONS", "SIGNAL", "DEAD DROP", "SURVEILLANCE",
        "UNDER SURVEILLANCE", "EMBASSY", "CONSULATE", "HOTEL", "ADDRESS", "TELEPHONE",
        "RADIO", "FREQUENCY", "ACKNOWLEDGE", "NEGATIVE", "AFFIRMATIVE", "IMMEDIATELY",
        "AS SOON AS POSSIBLE", "RETURN", "ARRIVAL", "DEPARTURE", "CENTRE",
        "HEADQUARTERS", "OPERATION", "MISSION", "NEXT WEEK", "WEEK", "MONTH", "HOUR",
        "MINUTES", "O'CLOCK", "DOLLARS", "POUNDS", "PAYMENT", "PASSWORD", "IDENTITY",
        "COVER STORY", "BRIDGE", "CAFE", "PARK", "CHURCH", "COURIER", "FALLBACK",
    ),
    "fr": (
        "POINT DE RENCONTRE", "RENDEZ-VOUS", "RENCONTRE", "LIEU", "HEURE", "ARGENT",
        "DANGER", "CONFIRMER", "CONFIRMÉ", "ANNULER", "ANNULÉ", "ABANDONNER", "AGENT",
        "CONTACT", "MESSAGE", "MESSAGE REÇU", "RÉPÉTEZ", "URGENT", "DEMAIN",
        "AUJOURD'HUI", "HIER", "CE SOIR", "MATIN", "SOIR", "MINUIT", "LUNDI", "MARDI",
        "MERCREDI", "JEUDI", "VENDREDI", "SAMEDI", "DIMANCHE", "CENT", "MILLE", "MILLION",
        "DOCUMENTS", "PASSEPORT", "VOITURE", "TRAIN", "GARE", "STATION", "AÉROPORT",
        "FRONTIÈRE", "PLANQUE", "MAISON SÛRE", "POLICE", "ARRÊTÉ", "COMPROMIS",
        "PROCÉDEZ", "ATTENDRE", "ATTENDEZ LES INSTRUCTIONS", "INSTRUCTIONS", "SIGNAL",
        "BOÎTE AUX LETTRES MORTE", "SURVEILLANCE", "SOUS SURVEILLANCE", "AMBASSADE",
        "CONSULAT", "HÔTEL", "ADRESSE", "TÉLÉPHONE", "RADIO", "FRÉQUENCE",
        "ACCUSEZ RÉCEPTION", "NÉGATIF", "AFFIRMATIF", "IMMÉDIATEMENT",
        "DÈS QUE POSSIBLE", "RETOUR", "ARRIVÉE", "DÉPART", "CENTRE", "QUARTIER GÉNÉRAL",
        "OPÉRATION", "MISSION", "LA SEMAINE PROCHAINE", "SEMAINE", "MOIS", "MINUTES",
        "HEURES", "DOLLARS", "EUROS", "FRANCS", "PAIEMENT", "MOT DE PASSE", "IDENTITÉ",
        "COUVERTURE", "PONT", "CAFÉ", "PARC", "ÉGLISE", "AGENT DE LIAISON",
    ),
    "de": (
        "TREFFPUNKT", "TREFFEN", "ORT", "ZEIT", "UHRZEIT", "GELD", "GEFAHR", "BESTÄTIGEN",
        "BESTÄTIGT", "ABSAGEN", "ABGESAGT", "ABBRECHEN", "AGENT", "KONTAKT", "NACHRICHT",
        "NACHRICHT ERHALTEN", "WIEDERHOLEN", "DRINGEND", "MORGEN", "HEUTE", "GESTERN",
        "HEUTE ABEND", "VORMITTAG", "ABEND", "MITTERNACHT", "MONTAG", "DIENSTAG",
        "MITTWOCH", "DONNERSTAG", "FREITAG", "SAMSTAG", "SONNTAG", "HUNDERT", "TAUSEND",
        "MILLION", "DOKUMENTE", "PAPIERE", "REISEPASS", "AUTO", "ZUG", "BAHNHOF",
        "HAUPTBAHNHOF", "FLUGHAFEN", "GRENZE", "KONSPIRATIVE WOHNUNG", "POLIZEI",
        "VERHAFTET", "ENTTARNT", "KOMPROMITTIERT", "FORTFAHREN", "WARTEN",
        "WEITERE ANWEISUNGEN ABWARTEN", "ANWEISUNGEN", "SIGNAL", "TOTER BRIEFKASTEN",
        "ÜBERWACHUNG", "UNTER BEOBACHTUNG", "BOTSCHAFT", "KONSULAT", "HOTEL", "ADRESSE",
        "TELEFON", "FUNK", "FREQUENZ", "EMPFANG BESTÄTIGEN", "NEGATIV", "SOFORT",
        "SO SCHNELL WIE MÖGLICH", "RÜCKKEHR", "ABREISE", "ANKUNFT", "ZENTRALE",
        "HAUPTQUARTIER", "OPERATION", "AUFTRAG", "NÄCHSTE WOCHE", "WOCHE", "MONAT",
        "STUNDE", "MINUTEN", "UHR", "DOLLAR", "EURO", "MARK", "ZAHLUNG", "KENNWORT",
        "IDENTITÄT", "LEGENDE", "BRÜCKE", "CAFE", "PARK", "KIRCHE", "KURIER",
    ),
    "es": (
        "PUNTO DE ENCUENTRO", "REUNIÓN", "ENCUENTRO", "LUGAR", "HORA", "DINERO",
        "PELIGRO", "CONFIRMAR", "CONFIRMADO", "CANCELAR", "CANCELADO", "ABORTAR",
        "AGENTE", "CONTACTO", "MENSAJE", "MENSAJE RECIBIDO", "REPITA", "URGENTE",
        "MAÑANA", "HOY", "AYER", "ESTA NOCHE", "POR LA MAÑANA", "POR LA TARDE",
        "MEDIANOCHE", "LUNES", "MARTES", "MIÉRCOLES", "JUEVES", "VIERNES", "SÁBADO",
        "DOMINGO", "CIEN", "MIL", "MILLÓN", "MILLONES", "DOCUMENTOS", "PASAPORTE",
        "COCHE", "TREN", "ESTACIÓN", "ESTACIÓN DE TREN", "AEROPUERTO", "FRONTERA",
        "PISO FRANCO", "CASA SEGURA", "POLICÍA", "DETENIDO", "ARRESTADO", "COMPROMETIDO",
        "PROCEDA", "ESPERAR", "ESPERE INSTRUCCIONES", "INSTRUCCIONES", "SEÑAL",
        "BUZÓN MUERTO", "VIGILANCIA", "BAJO VIGILANCIA", "EMBAJADA", "CONSULADO",
        "HOTEL", "DIRECCIÓN", "TELÉFONO", "RADIO", "FRECUENCIA", "ACUSE RECIBO",
        "NEGATIVO", "AFIRMATIVO", "INMEDIATAMENTE", "LO ANTES POSIBLE", "REGRESO",
        "SALIDA", "LLEGADA", "CENTRO", "CUARTEL GENERAL", "OPERACIÓN", "MISIÓN",
        "LA PRÓXIMA SEMANA", "SEMANA", "MES", "MINUTOS", "HORAS", "DÓLARES", "EUROS",
        "PESOS", "PAGO", "CONTRASEÑA", "IDENTIDAD", "COBERTURA", "PUENTE", "CAFÉ",
        "PARQUE", "IGLESIA", "CORREO",
    ),
    "ru": (
        "МЕСТО ВСТРЕЧИ", "ВСТРЕЧА", "МЕСТО", "ВРЕМЯ", "ДЕНЬГИ", "ОПАСНОСТЬ",
        "ПОДТВЕРДИТЕ", "ПОДТВЕРЖДАЮ", "ОТМЕНА", "ОТМЕНИТЬ", "ПРЕКРАТИТЬ", "АГЕНТ",
        "СВЯЗЬ", "КОНТАКТ", "СООБЩЕНИЕ", "СООБЩЕНИЕ ПОЛУЧЕНО", "ПОВТОРИТЕ", "СРОЧНО",
        "ЗАВТРА", "СЕГОДНЯ", "ВЧЕРА", "СЕГОДНЯ ВЕЧЕРОМ", "УТРОМ", "ВЕЧЕРОМ", "В ПОЛНОЧЬ",
        "ПОНЕДЕЛЬНИК", "ВТОРНИК", "СРЕДА", "ЧЕТВЕРГ", "ПЯТНИЦА", "СУББОТА",
        "ВОСКРЕСЕНЬЕ", "СТО", "ТЫСЯЧА", "ТЫСЯЧ", "МИЛЛИОН", "ДОКУМЕНТЫ", "ПАСПОРТ",
        "МАШИНА", "АВТОМОБИЛЬ", "ПОЕЗД", "ВОКЗАЛ", "СТАНЦИЯ", "АЭРОПОРТ", "ГРАНИЦА",
        "КОНСПИРАТИВНАЯ КВАРТИРА", "ПОЛИЦИЯ", "МИЛИЦИЯ", "АРЕСТОВАН", "РАСКРЫТ",
        "ПРОВАЛ", "ПРИСТУПАЙТЕ", "ЖДИТЕ", "ЖДИТЕ УКАЗАНИЙ", "УКАЗАНИЯ", "СИГНАЛ",
        "ТАЙНИК", "НАБЛЮДЕНИЕ", "ПОД НАБЛЮДЕНИЕМ", "ПОСОЛЬСТВО", "КОНСУЛЬСТВО",
        "ГОСТИНИЦА", "АДРЕС", "ТЕЛЕФОН", "РАДИО", "ЧАСТОТА", "ПОДТВЕРДИТЕ ПОЛУЧЕНИЕ",
        "ОТРИЦАТЕЛЬНО", "НЕМЕДЛЕННО", "КАК МОЖНО СКОРЕЕ", "ВОЗВРАЩЕНИЕ", "ОТЪЕЗД",
        "ПРИБЫТИЕ", "ЦЕНТР", "ОПЕРАЦИЯ", "ЗАДАНИЕ", "НА СЛЕДУЮЩЕЙ НЕДЕЛЕ", "НЕДЕЛЯ",
        "МЕСЯЦ", "ЧАСОВ", "МИНУТ", "ДОЛЛАРОВ", "РУБЛЕЙ", "ОПЛАТА", "ПАРОЛЬ", "ЛЕГЕНДА",
        "МОСТ", "КАФЕ", "ПАРК", "ЦЕРКОВЬ", "СВЯЗНОЙ", "ЗАПАСНОЙ ВАРИАНТ",
    ),
}  # fmt: skip
