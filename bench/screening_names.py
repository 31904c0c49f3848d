"""Test names for ``bench/screening.py``: perturbations of listed names and invented names.

Perturbations (seeded, reproducible) of a listed name:

- ``typo``: one edit (substitution by a neighbouring key, deletion, doubling or swap of two
  adjacent letters) in the longest part;
- ``drop``: a middle part dropped (names of three parts or more), else the last;
- ``swap``: the parts in another order (last part first);
- ``translit``: the name written in Cyrillic letter by letter, or spelled another common
  way in Latin (``ou``→``u``, ``y``→``i``, ``ph``→``f``, ``kh``→``h``, ``Mohammed``→``Muhammad``).

Invented names combine given names and surnames of several languages, and company words with
legal forms; a combination equal to a listed name is skipped.
"""

from __future__ import annotations

import random

KEYBOARD = {
    "a": "qsz",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "q": "w",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "x": "zc",
    "y": "tu",
    "z": "x",
}

LATIN_TO_CYRILLIC = [
    ("shch", "щ"),
    ("kh", "х"),
    ("zh", "ж"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("ts", "ц"),
    ("yu", "ю"),
    ("ya", "я"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("y", "ы"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("h", "х"),
    ("c", "к"),
    ("j", "дж"),
    ("q", "к"),
    ("w", "в"),
    ("x", "кс"),
]

SPELLINGS = [
    ("mohammed", "muhammad"),
    ("muhammad", "mohammed"),
    ("mohammad", "muhammad"),
    ("ou", "u"),
    ("kh", "h"),
    ("ph", "f"),
    ("y", "i"),
    ("ei", "ey"),
    ("ee", "i"),
    ("abdul", "abd al"),
    ("oo", "u"),
    ("sh", "sch"),
]


def typo(name: str, rng: random.Random) -> str:
    parts = name.split()
    i = max(range(len(parts)), key=lambda k: len(parts[k]))
    word = parts[i]
    if len(word) < 4:
        return name
    pos = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("sub", "del", "dup", "swap"))
    ch = word[pos].lower()
    if kind == "sub" and ch in KEYBOARD:
        new = rng.choice(KEYBOARD[ch])
        word = word[:pos] + (new.upper() if word[pos].isupper() else new) + word[pos + 1 :]
    elif kind == "del":
        word = word[:pos] + word[pos + 1 :]
    elif kind == "dup":
        word = word[:pos] + word[pos] + word[pos:]
    else:
        word = word[: pos - 1] + word[pos] + word[pos - 1] + word[pos + 1 :]
    parts[i] = word
    return " ".join(parts)


def drop(name: str, rng: random.Random) -> str:
    parts = name.split()
    if len(parts) < 3:
        return name
    i = rng.randrange(1, len(parts) - 1)
    return " ".join(parts[:i] + parts[i + 1 :])


def swap(name: str, rng: random.Random) -> str:
    parts = name.split()
    if len(parts) < 2:
        return name
    return " ".join([parts[-1], *parts[:-1]])


def translit(name: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        text = name.lower()
        for latin, cyrillic in LATIN_TO_CYRILLIC:
            text = text.replace(latin, cyrillic)
        return text
    lower = name.lower()
    options = [(a, b) for a, b in SPELLINGS if a in lower]
    if not options:
        return name
    a, b = rng.choice(options)
    return lower.replace(a, b, 1)


PERTURBATIONS = {"typo": typo, "drop": drop, "swap": swap, "translit": translit}

GIVEN = """Jean Marie Pierre Luc Sophie Camille Chloé Léa Thomas Nicolas Julien Mathieu Élodie Aurélie
Pieter Jan Joost Sanne Femke Lotte Bram Daan Wouter Koen Annelies Griet Hendrik Jeroen Maarten Ine
James Emily Oliver Charlotte Harry George Amelia Jack Isla Jacob Olivia Noah Ella Lucas Grace
Klaus Jürgen Stefanie Ulrike Matthias Wolfgang Anja Birgit Tobias Katrin Sven Dirk Heike
Giulia Marco Lorenzo Chiara Alessandro Francesca Matteo Valentina Davide Federica Giorgio
Carmen Javier Lucía Alejandro Pablo Marta Sergio Elena Álvaro Rocío Diego Nuria Iker
Agnieszka Krzysztof Małgorzata Tomasz Katarzyna Paweł Magdalena Piotr Joanna Marcin
Ingrid Lars Astrid Nils Sigrid Björn Freya Erik Kari Henrik Liv Magnus
Aoife Ciarán Siobhán Niamh Eoin Saoirse Cillian Orla Darragh
Tiago Beatriz João Inês Rui Mariana Gonçalo Leonor Duarte
Amara Chidi Ngozi Kwame Ama Kofi Abena Tunde Folake Emeka Zanele Thabo Nomvula
Hiroshi Yuki Haruto Sakura Ren Aoi Takumi Hana Minh Linh Quang Thu Arjun Priya Rohan Ananya
Mateus Larissa Thiago Camila Rafael Bruna Gabriel Letícia""".split()  # noqa: SIM905

FAMILY = """Dubois Lefèvre Moreau Laurent Girard Bonnet Fontaine Rousseau Chevalier Gauthier Mercier Blanchard
Janssens Peeters Maes Jacobs Mertens Willems Claes Goossens Wouters Vermeulen Dewulf Lambrecht Vandenberghe
De Smet Van Damme Verhoeven Bakker Visser Smit Meijer Mulder Bos Vos Dekker Brouwer Hendriks
Smith Taylor Brown Wilson Evans Thomas Roberts Walker Wright Thompson Hughes Edwards Green Hall
Müller Schneider Fischer Weber Becker Hoffmann Schäfer Koch Richter Klein Wolf Schröder Neumann
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti
García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández
Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański
Andersen Nielsen Hansen Johansson Lindqvist Eriksson Larsen Berg Haugen Solberg
Murphy Kelly Byrne Walsh Ryan O'Brien Doyle McCarthy Gallagher Kennedy
Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa Carvalho
Okafor Mensah Adeyemi Nkosi Boateng Asante Chukwu Dlamini Owusu Mbeki Eze
Tanaka Suzuki Watanabe Yamamoto Nakamura Nguyen Tran Pham Hoang Sharma Patel Iyer Nair Gupta""".split()  # noqa: SIM905

COMPANY_WORDS = """Alpine Atlas Aurora Beacon Blue Bright Cedar Coastal Crown Delta Eagle Ember Falcon Forest
Frontier Granite Harbor Horizon Iris Juniper Lantern Maple Meridian Nordic Oak Orchid Pioneer Polar Prism
Quartz Riverside Sapphire Sierra Silver Solar Summit Sun Tidal Timber Union Valley Vista Willow Zenith
Brabant Flanders Meuse Scheldt Ardennes Sonian Iris Manneken Atomium Sablon Marolles Louise""".split()  # noqa: SIM905

COMPANY_KINDS = """Logistics Trading Consulting Software Foods Textiles Engineering Optics Robotics Pharma Design
Analytics Imports Exports Shipping Brewing Chocolates Printing Media Energy Coatings Instruments Plastics
Ceramics Furniture Dental Labs Audio Bikes Outdoor Packaging Farming Studio""".split()  # noqa: SIM905

LEGAL = ["SA", "SRL", "BV", "NV", "GmbH", "Ltd", "LLC", "SAS", "AG", "Inc.", "SPRL", "S.p.A.", "ApS", "AB", "Oy"]


def invented_names(count: int, listed: set[str], seed: int = 7) -> list[tuple[str, str]]:
    """*count* invented ``(name, schema)`` pairs, 80% persons and 20% companies, none of which
    equals (case-folded) a name in *listed*."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(out) < count:
        if rng.random() < 0.8:
            parts = [rng.choice(GIVEN)]
            if rng.random() < 0.25:
                parts.append(rng.choice(GIVEN))
            parts.append(rng.choice(FAMILY))
            name, schema = " ".join(parts), "person"
        else:
            name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)} {rng.choice(LEGAL)}"
            schema = "organisation"
        key = name.casefold()
        if key in listed or key in seen:
            continue
        seen.add(key)
        out.append((name, schema))
    return out
