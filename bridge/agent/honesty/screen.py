"""The check on a streamed reply: text flows on as it comes, except a span that may become a
claim, which is held from its first sign (a digit, a currency, a code-like word, "tomorrow",
"free", a link) until it is complete, then released as it was, corrected, or withheld, in
the same chunk.

A span is complete once six more words, a sentence's end or the model's pause (a tool
call, the end of the reply) follow its first sign; so text waits only behind a figure, and
at most a few words. ``ClaimCheck.screen`` (guard.py) feeds it one provider's chunks; what
it held when the provider failed was never shown, and the next provider continues from what
was.
"""
from __future__ import annotations

import re
from .check import NOT_A_PRODUCT, Verdict, judge, sentence_of, subject_of
from .claims import read
from .facts import Facts
from .wording import language, withheld

TRIGGER = re.compile(
    r"[\d$€£¥₹]|\b(?:USD|EUR|GBP|CAD|AUD|CHF|JPY|INR|SAR|AED|MXN)\b|\b[A-Z]{3,}|"
    r"(?i:https?:|www\.|\b(?:tomorrow|next[- ]day|same[- ]day|overnight|mañana|demain|"
    r"übermorgen|morgen|free|ships? free|gratis|gratuit[e]?|offerte|kostenlos\w*|"
    r"versandkostenfrei)\b)")
TRIGGER_WORDS = ("usd", "eur", "gbp", "cad", "aud", "chf", "jpy", "inr", "sar", "aed", "mxn",
                 "https:", "http:", "www.", "tomorrow", "next-day", "next day", "same-day",
                 "same day", "overnight", "mañana", "demain", "morgen", "übermorgen", "free",
                 "gratis", "gratuit", "offerte", "kostenlos", "versandkostenfrei")
WORDS_AFTER = 6  # a claim's words after its first sign: "2 to 3 business days"
CONTEXT = 300  # characters of shown text a claim is read with (its sentence, its product)
MAX_HELD = 400  # a span held this long is judged as it is
# A sentence's end: a dot before a space, not after a digit ("3. März"); a dot that ends
# what came so far may still be "www." or "$12." of "$12.34", so the next chunk decides.
END = re.compile(r"[!?\n]|(?<!\d)\.(?=\s)")
SENTENCE_OVER = re.compile(r"[!?\n]|\.(?=\s)")  # where a withheld figure's sentence ends


class Screen:
    """One provider's reply being checked, chunk by chunk."""

    def __init__(self, facts_of, shown: str, preferred: str | None, question: str = ""):
        self.facts_of = facts_of  # () -> Facts, current with the turn's tool calls
        self.shown = shown  # what the shopper saw this turn before this provider
        self.preferred = preferred
        self.question = question[-300:]  # the shopper's words: the reply's language too
        self.pending = ""
        self.muted = False
        self.whole_sentence = False  # hold the span to its sentence's end, not six words
        self.dropped = ""  # the rest of a withheld figure's sentence, not shown
        self.withheld_at = ""
        self.verdicts: list[Verdict] = []

    def feed(self, text: str, final: bool = False) -> str:
        """Take more of the reply; return what may be shown now."""
        self.pending += text
        out = []
        while self.pending:
            if self.muted:
                if not self._skip_sentence(final):
                    break
                continue
            match = TRIGGER.search(self.pending)
            hold = match.start() if match else self._fragment()
            if hold > 0:
                out.append(self._show(self.pending[:hold]))
                self.pending = self.pending[hold:]
                continue
            if match is None and not final:
                break  # only a word that may yet become a sign
            window = self._complete(final)
            if window is None:
                break
            judged = self._judge(window, final)
            if judged is None:
                break  # a share that may yet turn out a reduction: wait for its sentence
            out.append(judged)
        if final:
            self.muted = False
        return "".join(out)

    def _fragment(self) -> int:
        """Where a trailing word that may still grow into a sign starts, else the end."""
        tail = re.search(r"\S+$", self.pending)
        if tail is None:
            return len(self.pending)
        word = tail.group(0)
        lower = word.lower()
        if word.isalpha() and word.isupper() or any(t.startswith(lower) for t in TRIGGER_WORDS):
            return tail.start()
        return len(self.pending)

    def _complete(self, final: bool) -> int | None:
        if final or len(self.pending) >= MAX_HELD:
            return len(self.pending)
        words = list(re.finditer(r"\S+\s+", self.pending))
        end = END.search(self.pending)
        ends = [m.end() for m in (end,) if m]
        if len(words) > WORDS_AFTER and not self.whole_sentence:
            ends.append(words[WORDS_AFTER].end())
        return min(ends) if ends else None

    def _judge(self, window: int, final: bool) -> str | None:
        context = self.shown[-CONTEXT:]
        text = context + self.pending[:window]
        offset = len(context)
        token = re.match(r"\S+\s*", self.pending)
        token_end = token.end() if token else len(self.pending)
        claims = [c for c in read(text, since=offset) if c.start < offset + token_end]
        if not claims:
            return self._pass(token_end)
        claim = claims[0]
        if claim.kind == "percent" and not claim.off and not self.whole_sentence \
                and not final and not END.search(self.pending[:window]):
            self.whole_sentence = True  # "20 % y el Canvas Tote Bag 10 % de descuento"
            return None
        self.whole_sentence = False
        start, end = max(claim.start - offset, 0), claim.end - offset
        out = self._show(self.pending[:start])
        verdict = self._verdict(claim, text)
        self.verdicts.append(verdict)
        if verdict.ok:
            out += self._show(self.pending[start:end])
        elif verdict.replacement is not None:
            out += self._show(verdict.replacement)
        else:
            lead = "" if (self.shown[-1:] or " ").isspace() else " "
            # What the model wrote up to the figure, for judging what is dropped after it.
            self.withheld_at = (self.shown + self.pending[start:end])[-CONTEXT:]
            out += self._show(lead + withheld(claim.kind, language(
                self.question + " " + self.shown, self.preferred)))
            self.muted = True
        self.pending = self.pending[end:]
        return out

    def _pass(self, end: int) -> str:
        out = self._show(self.pending[:end])
        self.pending = self.pending[end:]
        return out

    def _verdict(self, claim, text: str) -> Verdict:
        facts: Facts = self.facts_of()
        before, after = text[:claim.start], text[claim.end:]
        subject = subject_of(facts, before, after)
        sentence = sentence_of(before, after)
        fallback = None
        if subject is None and not NOT_A_PRODUCT.search(sentence):
            named = facts.named_in(before)
            fallback = named[-1][1] if named else None
        return judge(claim, facts, subject, fallback, sentence)

    def _skip_sentence(self, final: bool) -> bool:
        """Drop the rest of a withheld figure's sentence; False while it has not ended.
        The figures dropped with it are judged too, so every invention is recorded."""
        end = SENTENCE_OVER.search(self.pending)
        if end is None:
            keep = self.pending[-1:] if self.pending[-1:] == "." and not final else ""
            self.dropped += self.pending[:len(self.pending) - len(keep)]
            self.pending = keep
            if final:
                self._judge_dropped()
            return False
        newline = self.pending[end.start()] == "\n"
        cut = end.start() if newline else end.end()
        self.dropped += self.pending[:cut]
        self.pending = self.pending[cut:]
        self.muted = False
        self._judge_dropped()
        return True

    def _judge_dropped(self) -> None:
        context = self.withheld_at
        text = context + self.dropped
        for claim in read(text, since=len(context)):
            verdict = self._verdict(claim, text)
            if not verdict.ok:
                self.verdicts.append(Verdict(claim, False, verdict.subject, verdict.fact))
        self.dropped = ""

    def _show(self, text: str) -> str:
        self.shown += text
        return text
