"""Fictitious people for the demo: deterministic, with valid codici fiscali."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from risorsa.registry import codice_fiscale as cf

ITALIAN_SURNAMES = [
    "Rossi",
    "Bianchi",
    "Ferrari",
    "Russo",
    "Esposito",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Conte",
    "Ferraro",
    "Fabbri",
    "Bianco",
    "Marini",
    "Grasso",
    "Valentini",
    "Messina",
    "Sala",
    "Gatti",
    "Pellegrini",
    "Palumbo",
    "Sanna",
    "Farina",
    "Rizzi",
    "Monti",
    "Cattaneo",
    "Morelli",
    "Amato",
    "Silvestri",
    "Mazza",
    "Testa",
    "Grassi",
    "Pellegrino",
    "Carbone",
    "Giuliani",
    "Benedetti",
    "Barone",
    "Niccolò",
    "Sforza",
    "Ponzoni",
    "Bertolè",
    "Cavalli",
    "Ghisolfi",
    "Zanolli",
    "Poli",
    "Tosi",
]
ITALIAN_MALE = [
    "Mario",
    "Giuseppe",
    "Luigi",
    "Giovanni",
    "Antonio",
    "Francesco",
    "Angelo",
    "Pietro",
    "Paolo",
    "Marco",
    "Andrea",
    "Stefano",
    "Roberto",
    "Alessandro",
    "Luca",
    "Davide",
    "Matteo",
    "Nicolò",
    "Fabrizio",
    "Massimo",
    "Gianluca",
    "Daniele",
    "Sergio",
    "Claudio",
    "Bruno",
    "Carlo",
    "Enrico",
]
ITALIAN_FEMALE = [
    "Maria",
    "Anna",
    "Giuseppina",
    "Rosa",
    "Angela",
    "Giovanna",
    "Teresa",
    "Lucia",
    "Carmela",
    "Francesca",
    "Laura",
    "Paola",
    "Elena",
    "Chiara",
    "Sara",
    "Valentina",
    "Giulia",
    "Silvia",
    "Federica",
    "Roberta",
    "Monica",
    "Simona",
    "Cristina",
    "Barbara",
    "Noemi",
    "Ilaria",
    "Zoe",
]
FOREIGN = [
    # (country, codice catastale, citizenship, surnames, male names, female names)
    (
        "Marocco",
        "Z330",
        "EXTRA_UE",
        ["El Amrani", "Benali", "Haddad", "Ouahbi"],
        ["Mohamed", "Youssef", "Rachid"],
        ["Fatima", "Khadija", "Amina"],
    ),
    (
        "Romania",
        "Z129",
        "UE",
        ["Popescu", "Ionescu", "Dumitru", "Stan"],
        ["Ion", "Andrei", "Mihai"],
        ["Elena", "Ioana", "Maria"],
    ),
    (
        "Albania",
        "Z100",
        "EXTRA_UE",
        ["Hoxha", "Shehu", "Kola", "Leka"],
        ["Arben", "Ilir", "Gentian"],
        ["Elira", "Anila", "Besa"],
    ),
    (
        "Senegal",
        "Z343",
        "EXTRA_UE",
        ["Diop", "Ndiaye", "Fall", "Sow"],
        ["Mamadou", "Cheikh", "Ousmane"],
        ["Aminata", "Fatou", "Awa"],
    ),
    (
        "India",
        "Z222",
        "EXTRA_UE",
        ["Singh", "Kaur", "Sharma", "Kumar"],
        ["Harpreet", "Gurpreet", "Amarjit"],
        ["Manpreet", "Simran", "Jaspreet"],
    ),
    (
        "Ucraina",
        "Z138",
        "EXTRA_UE",
        ["Shevchenko", "Kovalenko", "Bondarenko"],
        ["Oleksandr", "Dmytro", "Andriy"],
        ["Olena", "Natalia", "Iryna"],
    ),
    (
        "Pakistan",
        "Z236",
        "EXTRA_UE",
        ["Khan", "Ahmed", "Ali", "Hussain"],
        ["Imran", "Bilal", "Tariq"],
        ["Ayesha", "Sana", "Nadia"],
    ),
    (
        "Ecuador",
        "Z605",
        "EXTRA_UE",
        ["Vera", "Zambrano", "Mendoza", "Cedeño"],
        ["Luis", "Jorge", "Carlos"],
        ["Gabriela", "Mónica", "Andrea"],
    ),
]
ITALIAN_PLACES = [
    ("D150", 10),
    ("D142", 2),
    ("B898", 1),
    ("I849", 1),
    ("F205", 2),
    ("B157", 1),
    ("G535", 1),
    ("F839", 1),
    ("G273", 1),
]
STREETS = [
    "Via Dante",
    "Via Mazzini",
    "Corso Garibaldi",
    "Via Bissolati",
    "Via Giordano",
    "Via Ghinaglia",
    "Via Brescia",
    "Via Mantova",
    "Via Castelleone",
    "Via Persico",
    "Corso Matteotti",
    "Via Massarotti",
]


@dataclass(frozen=True)
class DemoPerson:
    codice_fiscale: str
    surname: str
    name: str
    sex: str
    birth_date: date
    citizenship: str
    citizenship_country: str
    address: str
    phone: str
    household_key: int


def demo_people(count: int = 200, seed: int = 2010) -> list[DemoPerson]:
    """`count` distinct fictitious residents of Cremona, about 40% born abroad, in households."""
    rng = random.Random(seed)
    people: list[DemoPerson] = []
    seen: set[str] = set()
    household_key = 0
    while len(people) < count:
        household_key += 1
        foreign = FOREIGN[rng.randrange(len(FOREIGN))] if rng.random() < 0.4 else None
        surname = rng.choice(foreign[3]) if foreign else rng.choice(ITALIAN_SURNAMES)
        address = f"{rng.choice(STREETS)} {rng.randint(1, 120)}, Cremona"
        for _member in range(rng.choice([1, 1, 2, 2, 3])):
            if len(people) >= count:
                break
            sex = rng.choice("MF")
            if foreign:
                name = rng.choice(foreign[4] if sex == "M" else foreign[5])
                place, citizenship, country = foreign[1], foreign[2], foreign[0]
            else:
                name = rng.choice(ITALIAN_MALE if sex == "M" else ITALIAN_FEMALE)
                place = rng.choices([p for p, _w in ITALIAN_PLACES], [w for _p, w in ITALIAN_PLACES])[0]
                citizenship, country = "IT", ""
            birth_date = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 63))
            code = cf.encode(
                surname=surname, name=name, sex=sex, birth_date=birth_date, birth_place_code=place
            )
            if code in seen:
                # Homocody: the Agenzia substitutes digits from the right; so do we.
                code = next(v for v in cf.omocode_variants(code) if v not in seen)
            seen.add(code)
            phone = f"3{rng.randint(20, 49)} {rng.randint(1000000, 9999999)}"
            people.append(
                DemoPerson(
                    code,
                    surname,
                    name,
                    sex,
                    birth_date,
                    citizenship,
                    country,
                    address,
                    phone,
                    household_key,
                )
            )
    return people
