"""Made-up but plausible French names: companies, people, phones, e-mails, notes.

Company names are built from word lists, never copied from real firms. Phone
numbers come from the ranges the French regulator (ARCEP) reserves for fiction
(04 65 71 xx xx, 06 39 98 xx xx) and e-mail domains end in ``.example``
(RFC 2606), so demo data can never reach a real person.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from dispatcher.demo.geography import CustomerKind
from dispatcher.demo.sampling import pick

if TYPE_CHECKING:
    import random


def _words(text: str) -> tuple[str, ...]:
    """The comma-separated entries of a word list."""
    return tuple(word.strip() for word in text.split(",") if word.strip())


FIRST_NAMES = _words(
    """
    Camille, Léa, Manon, Chloé, Inès, Sarah, Julie, Emma, Louise, Clara, Anaïs,
    Marion, Pauline, Audrey, Nadia, Sophie, Céline, Aurélie, Élodie, Amandine,
    Yasmine, Fatima, Mélanie, Laura, Thomas, Nicolas, Julien, Maxime, Alexandre,
    Antoine, Romain, Kevin, Mathieu, Guillaume, Florian, Hugo, Lucas, Théo, Karim,
    Mehdi, Sébastien, Olivier, Christophe, Jérôme, Pierre, Vincent, David, François,
    Bruno, Yann, Rachid, Damien, Loïc, Cédric
    """
)
LAST_NAMES = _words(
    """
    Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau,
    Laurent, Simon, Michel, Lefebvre, Leroy, Roux, David, Bertrand, Morel, Fournier,
    Girard, Bonnet, Dupont, Lambert, Fontaine, Rousseau, Vincent, Muller, Faure,
    André, Mercier, Blanc, Guérin, Boyer, Garnier, Chevalier, Legrand, Gauthier,
    Garcia, Perrin, Robin, Clément, Morin, Nicolas, Henry, Roussel, Mathieu, Masson,
    Marchand, Duval, Denis, Dumont, Meunier, Brun, Blanchard, Giraud, Joly, Rivière,
    Brunet, Gaillard, Barbier, Arnaud, Roche, Renard, Vidal, Caron, Fabre, Aubert,
    Lemoine, Renaud, Dumas, Lacroix, Olivier, Rey, Benoît, Guillot, Berger, Moulin,
    Perrier, Chabert, Jacquet, Poncet, Ferrand, Bouvier, Vial, Guillon, Chapuis,
    Ravier, Dufour, Nguyen, Benali, Haddad, Ben Amor, Da Silva, Ferreira, Lopez,
    Martinez, Rossi, Bianchi
    """
)
_PREFIXES = _words(
    """
    Nova, Axi, Lumi, Terra, Orbi, Sola, Arka, Capi, Data, Meta, Quadri, Rhôna,
    Fluvi, Saô, Lugdu, Proxi, Alpi, Belle, Vita, Ecla, Helio, Sigma, Kine, Opti,
    Veri, Cyto, Bio, Agri
    """
)
_SUFFIXES = _words(
    """
    tech, lia, lys, neo, vis, nova, com, logic, ia, gest, gen, med, lab, tis, xis,
    nium, sphere, line, form
    """
)
_LEGAL = _words(
    """
    SAS, SARL, SA, SAS, SARL, EURL
    """
)
_PLACES = _words(
    """
    Bellecour, Terreaux, Saint-Jean, Fourvière, Ainay, Cordeliers, Jacobins,
    Guillotière, Saxe, Perrache, Brotteaux, Tête d'Or, Croix-Rousse, Rhône, Saône,
    Part-Dieu, Gerland, Vaise, Monplaisir
    """
)
_NOUNS = _words(
    """
    Comptoir, Marché, Atelier, Carré, Jardin, Quai, Passage, Canut, Pont, Square,
    Cèdre, Tilleul, Platane, Lion
    """
)

_KIND_PATTERNS: dict[CustomerKind, tuple[tuple[str, float], ...]] = {
    CustomerKind.OFFICE: (
        ("{brand} {legal}", 3),
        ("Cabinet {last} & Associés", 2),
        ("{last} Conseil", 2),
        ("{brand} Services", 1),
        ("Agence {place}", 1),
        ("Études {last}-{last2}", 1),
    ),
    CustomerKind.RETAIL: (
        ("Boutique {first}", 1),
        ("Librairie du {noun}", 1),
        ("Optique {last}", 1),
        ("Fleurs {first}", 1),
        ("Maison {last}", 2),
        ("Le {noun} de {place}", 1),
        ("Bazar {place}", 1),
        ("Chaussures {last}", 1),
        ("Quincaillerie {last}", 1),
    ),
    CustomerKind.FOOD: (
        ("Boulangerie {last}", 2),
        ("Brasserie {place}", 2),
        ("Bouchon du {noun}", 1),
        ("Restaurant Le {noun}", 2),
        ("Traiteur {last}", 1),
        ("Épicerie fine {last}", 1),
        ("Fromagerie {last}", 1),
        ("Café {place}", 1),
        ("Hôtel du {noun}", 1),
    ),
    CustomerKind.INDUSTRIAL: (
        ("{last} Industrie", 2),
        ("Métallerie {last}", 1),
        ("Plasturgie {place}", 1),
        ("{last} Emballages", 1),
        ("Atelier mécanique {last}", 1),
        ("Chimie {last}", 1),
        ("{brand} Logistique", 2),
        ("{brand} Composants {legal}", 1),
    ),
    CustomerKind.HEALTH: (
        ("Laboratoire {last}", 2),
        ("Clinique du {noun}", 1),
        ("Pharmacie {place}", 2),
        ("Centre médical {place}", 1),
        ("{brand} Biotech", 1),
        ("Cabinet dentaire {last}", 1),
    ),
    CustomerKind.TRADE: (
        ("{last} Matériaux", 2),
        ("Plomberie {last}", 1),
        ("Électricité {last} {legal}", 1),
        ("Outillage {place}", 1),
        ("{brand} Distribution", 1),
        ("Sanitaires {last}", 1),
    ),
}


def person_name(rng: random.Random) -> str:
    """A first and last name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def company_name(rng: random.Random, kind: CustomerKind) -> str:
    """A plausible company name for a customer of ``kind``."""
    pattern = pick(rng, _KIND_PATTERNS[kind])
    return pattern.format(
        brand=rng.choice(_PREFIXES) + rng.choice(_SUFFIXES),
        legal=rng.choice(_LEGAL),
        last=rng.choice(LAST_NAMES),
        last2=rng.choice(LAST_NAMES),
        first=rng.choice(FIRST_NAMES),
        place=rng.choice(_PLACES),
        noun=rng.choice(_NOUNS),
    )


def ascii_slug(text: str, separator: str = "") -> str:
    """Lower-case ASCII letters and digits of ``text`` (accents dropped)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [
        "".join(ch for ch in word if ch.isalnum()) for word in plain.lower().split()
    ]
    return separator.join(word for word in words if word)


def email(person: str, company: str) -> str:
    """``first.last@company.example`` (a reserved domain: never delivered)."""
    first, _, last = person.partition(" ")
    domain = ascii_slug(company, "-")
    return f"{ascii_slug(first)}.{ascii_slug(last, '-')}@{domain}.example"


def landline(rng: random.Random) -> str:
    """A Lyon-area landline from the range reserved for fiction."""
    return f"+33 4 65 71 {rng.randrange(100):02d} {rng.randrange(100):02d}"


def mobile(rng: random.Random) -> str:
    """A mobile number from the range reserved for fiction."""
    return f"+33 6 39 98 {rng.randrange(100):02d} {rng.randrange(100):02d}"


def door_code(rng: random.Random) -> str:
    """A building door code such as ``4812B``."""
    return f"{rng.randrange(1000, 10000)}{rng.choice('ABCD')}"


def plate(rng: random.Random) -> str:
    """A French registration plate (``AB-123-CD``)."""
    letters = "ABCDEFGHJKLMNPRSTVWXYZ"
    return (
        f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randrange(100, 1000)}-"
        f"{rng.choice(letters)}{rng.choice(letters)}"
    )
