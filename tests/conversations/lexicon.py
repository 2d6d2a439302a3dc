"""The phrases the properties look for, per language: "sold out", "we don't sell", "a person".

Each entry is a regular expression over lower-cased text. A property reads the shopper's
language and English (an answer may quote the store's English); lists are generous,
because the eval judges what an answer states, not how it words it.
"""
from __future__ import annotations

import re

_RAW: dict[str, dict[str, str]] = {
    # The product (or that option of it) can't be bought now.
    "out_of_stock": {
        "en": r"out of stock|sold out|not in stock|isn'?t in stock|is not in stock|no longer "
              r"(?:available|in stock)|unavailable|not available|isn'?t available|none left|"
              r"no stock|currently out|don'?t have (?:it|any|that|them)|do not have (?:it|any)|"
              r"(?:run|ran) out|not (?:currently )?(?:stocked|available)",
        "es": r"agotad[oa]s?|sin (?:stock|existencias)|no (?:est[aá]n?|hay|tenemos|queda[n]?)\b"
              r".{0,30}(?:disponible|stock|existencias|unidades)|no disponible|fuera de stock|"
              r"no lo tenemos|no la tenemos",
        "fr": r"[ée]puis[ée]e?s?|en rupture|rupture de stock|plus (?:en stock|disponible)|"
              r"pas (?:en stock|disponible)|indisponible|n'est plus",
        "de": r"ausverkauft|nicht (?:mehr )?(?:auf lager|vorr[aä]tig|verf[uü]gbar|lieferbar|"
              r"erh[aä]ltlich)|vergriffen|nicht mehr da|keinen bestand|nicht vorhanden",
        "pt": r"esgotad[oa]s?|sem estoque|fora de estoque|indispon[ií]ve(?:l|is)|n[aã]o "
              r"(?:est[aá]|temos|h[aá])\b.{0,30}(?:dispon[ií]vel|estoque)",
        "it": r"esaurit[oaie]|non (?:[eè] |sono )?(?:pi[uù] )?disponibil[ei]|non (?:[eè] )?in "
              r"magazzino|non ce l'abbiamo|terminat[oa]",
        "ar": r"نفد|نفذ|غير متوفر|غير متاح|لا يتوفر|غير موجود|نفدت",
    },
    # The product (or that option of it) is there to buy.
    "in_stock": {
        "en": r"in stock|available|\byes\b|we have|we've got|we still have|still have|\bleft\b",
        "es": r"\bs[ií]\b|en stock|disponible|tenemos|quedan|\bhay\b",
        "fr": r"\boui\b|en stock|disponible|nous avons|il (?:en )?reste",
        "de": r"\bja\b|auf lager|verf[uü]gbar|vorr[aä]tig|haben wir|noch da|erh[aä]ltlich",
        "pt": r"\bsim\b|em estoque|dispon[ií]ve(?:l|is)|temos|\bh[aá]\b",
        "it": r"\bs[iì]\b|disponibil[ei]|in magazzino|abbiamo|ancora",
        "ar": r"نعم|متوفر|متاح|لدينا|موجود",
    },
    # The store has nothing of that kind.
    "none_sold": {
        "en": r"(?:don'?t|do not|doesn'?t|does not) (?:sell|carry|stock|have|offer)|"
              r"isn'?t something|not something (?:we|the store|this store)|"
              r"(?:couldn'?t|could not|can'?t|cannot) find any|no matches|nothing (?:like|of) "
              r"that|we have no|there (?:are|is) no|(?:not|isn'?t) (?:in|part of) "
              r"(?:our|the|this) (?:range|catalogue|catalog|store|shop)|\bnone\b|\bno\b \w+ "
              r"(?:in|at) (?:our|the|this) (?:store|shop|catalogue|catalog)",
        "es": r"no (?:vendemos|tenemos|manejamos|ofrecemos|trabajamos|hay|encontr[eé]|"
              r"encontramos|disponemos)|no se venden|ning[uú]n|ninguna",
        "fr": r"ne (?:vendons|proposons|faisons|vend|propose)|n'(?:avons|offrons|ai trouv[ée]|"
              r"y a)|aucune?|nous n'|pas de \w+ (?:dans|en|chez)",
        "de": r"(?:f[uü]hren|verkaufen|haben|bieten|fand|finde) (?:wir |ich )?(?:leider )?"
              r"(?:keine?[nrs]?|nicht)|nichts gefunden|keine? .{0,25}gefunden|leider keine?|"
              r"nicht im (?:sortiment|angebot)",
        "pt": r"n[aã]o (?:vendemos|temos|trabalhamos|oferecemos|h[aá]|encontrei|encontramos)|"
              r"nenhum|nenhuma",
        "it": r"non (?:vendiamo|abbiamo|trattiamo|offriamo|ho trovato|c'[eè]|ci sono)|"
              r"nessun[oa]?",
        "ar": r"لا (?:نبيع|نوفر|يوجد|تتوفر|نملك|يتوفر)|ليس لدينا|لم أجد|لم نجد|لا توجد",
    },
    # A yes to the shopper's question.
    "yes": {
        "en": r"\byes\b|we (?:do|ship|deliver|accept|take)\b|you can\b|\bsure\b|of course",
        "es": r"\bs[ií]\b|claro|enviamos|entregamos|aceptamos|puedes|puede|por supuesto",
        "fr": r"\boui\b|nous (?:livrons|acceptons|exp[ée]dions)|vous pouvez|bien s[uû]r",
        "de": r"\bja\b|wir (?:liefern|versenden|akzeptieren|nehmen)|sie k[oö]nnen|du kannst|"
              r"nat[uü]rlich",
        "pt": r"\bsim\b|enviamos|entregamos|aceitamos|\bpodes?\b|claro",
        "it": r"\bs[iì]\b|spediamo|consegniamo|accettiamo|puoi|pu[oò]|certo",
        "ar": r"نعم|نشحن|نقبل|يمكنك|بالتأكيد|بالطبع",
    },
    # A no to the shopper's question.
    "no": {
        "en": r"\bno\b|don'?t|do not|doesn'?t|does not|can'?t|cannot|isn'?t|aren'?t|not "
              r"(?:listed|available|accepted|offered|included|possible)|unfortunately|"
              r"\bonly\b|\bnot\b",
        "es": r"\bno\b|lamentablemente|solo|s[oó]lo|desafortunadamente",
        "fr": r"\bne\b|\bn'|\bpas\b|\bnon\b|malheureusement|uniquement|seulement",
        "de": r"\bnein\b|\bnicht\b|\bkeine?[nrs]?\b|leider|\bnur\b",
        "pt": r"\bn[aã]o\b|infelizmente|apenas|\bs[oó]\b",
        "it": r"\bnon\b|purtroppo|\bsolo\b|soltanto",
        "ar": r"\bلا\b|ليس|غير|للأسف|فقط|لا ",
    },
    # The answer starts by agreeing.
    "starts_yes": {
        "en": r"^\W*(?:yes|yep|sure|absolutely|of course)\b", "es": r"^\W*s[ií]\b",
        "fr": r"^\W*oui\b", "de": r"^\W*ja\b", "pt": r"^\W*sim\b", "it": r"^\W*s[iì]\b",
        "ar": r"^\W*نعم",
    },
    # Someone at the store who can help.
    "person": {
        "en": r"\bperson\b|\bhuman\b|someone|our team|the team|\bagent\b|\bstaff\b|colleague|"
              r"customer (?:service|support|care)|support team|\bcontact\b",
        "es": r"persona|humano|alguien|equipo|agente|atenci[oó]n al cliente|soporte|contact",
        "fr": r"personne|humain|quelqu'un|[ée]quipe|conseill[eè]re?|agent|service client|"
              r"contact",
        "de": r"person|mensch|mitarbeiter|jemand|team|kundenservice|kundendienst|support|"
              r"kontakt",
        "pt": r"pessoa|humano|algu[eé]m|equipe|equipa|atendente|atendimento|suporte|contat|"
              r"contact",
        "it": r"persona|umano|qualcuno|team|operatore|assistenza|servizio clienti|contatt",
        "ar": r"موظف|شخص|فريق|خدمة العملاء|الدعم|إنسان|تواصل",
    },
    # Only some options of a product fit ("only in S / Black", "some sizes").
    "partial": {
        "en": r"\bonly\b|\bsome\b|\bselect(?:ed)?\b|\bcertain\b|not all|in size|\bsizes?\b",
        "es": r"\bs[oó]lo\b|algun[oa]s?|ciert[oa]s?|en talla|\btallas?\b",
        "fr": r"seulement|uniquement|certaine?s?|en taille|quelques|\btailles?\b",
        "de": r"\bnur\b|einige|bestimmte|in gr[oö](?:ß|ss)e|\bgr[oö](?:ß|ss)en?\b",
        "pt": r"apenas|\bs[oó]\b|algum|alguns|algumas|cert[oa]s?|no tamanho|\btamanhos?\b",
        "it": r"\bsolo\b|soltanto|alcun[ei]|alcuni|certe|\btagli[ae]\b",
        "ar": r"فقط|بعض|مقاس",
    },
}

LEXICON = {name: {lang: re.compile(pattern, re.I) for lang, pattern in table.items()}
           for name, table in _RAW.items()}


def said(name: str, text: str, lang: str) -> bool:
    """Whether ``text`` holds a phrase of kind ``name`` in ``lang`` or in English."""
    table = LEXICON[name]
    lowered = text.lower()
    return any(table[code].search(lowered) for code in dict.fromkeys((lang, "en"))
               if code in table)


def first_match(name: str, text: str, lang: str) -> int | None:
    """Where the first such phrase starts, or None."""
    table = LEXICON[name]
    lowered = text.lower()
    starts = [m.start() for code in dict.fromkeys((lang, "en")) if code in table
              for m in [table[code].search(lowered)] if m]
    return min(starts) if starts else None
