"""The one pool of names the generators draw from: people (by suku and sex), Posyandu, places, phone prefixes.

Names are made up from common names of Kalimantan Selatan and the transmigration villages; none belongs to anyone.
"""
from __future__ import annotations

import random
import re
from functools import lru_cache

# Who lives where, roughly: Banjar everywhere; Dayak (Maanyan, Deah, Lawangan) in the hills of the north and east;
# Javanese and Sundanese in the transmigration villages.
SUKU = {"banjar": 9, "jawa": 1}
SUKU_WILAYAH = {
    "63.09.05": {"banjar": 7, "dayak": 3},
    "63.09.07": {"banjar": 7, "dayak": 3},
    "63.09.10": {"banjar": 5, "dayak": 5},
    "63.09.11": {"banjar": 6, "dayak": 4},
    "63.09.12": {"banjar": 5, "dayak": 3, "jawa": 2},
    "63.09.05.2021": {"jawa": 8, "banjar": 2},  # Catur Karya
    "63.09.12.2007": {"jawa": 8, "banjar": 2},  # Argo Mulyo
    "63.09.12.2008": {"jawa": 8, "banjar": 2},  # Bumi Makmur
    "63.09.12.2009": {"jawa": 8, "banjar": 2},  # Hegarmanah
    "63.72": {"banjar": 7, "jawa": 3},  # Banjarbaru
}
NAMA_ORANG = {
    ("banjar", "P"): (
        "Siti Aminah", "Rusmiati", "Norhayati", "Rahmah", "Aulia", "Nurul Hidayah", "Rabiatul Adawiyah", "Mahdiah",
        "Jumiati", "Norhasanah", "Masitah", "Salasiah", "Hamidah", "Fatimah", "Syarifah", "Nursiah", "Rusdiana",
        "Rismawati", "Mardiana", "Normila", "Noorhidayati", "Husnul Khatimah", "Raudah", "Lailatul Fitriah",
        "Misnawati", "Jamilah", "Zubaidah", "Rahmawati", "Yuliani", "Herlina", "Nor Aini", "Siti Rahmah",
        "Khairunnisa", "Ernawati", "Paridah", "Arbainah", "Saniah", "Noorjannah", "Norlaila", "Normiah",
        "Siti Khadijah", "Mariani", "Marhamah", "Halimah", "Hafsah", "Rosmaniah", "Juwairiyah", "Ainun Jariah",
        "Nur Hasanah", "Siti Fatimah", "Mulyani", "Fitriani", "Masriah", "Ratna Sari", "Nurlita", "Aisyah",
        "Nadia Ulfah", "Annisa Rahmi", "Siti Norbaya", "Rahimah", "Saudah", "Darmiati", "Jariyah", "Nurmala",
        "Hairiyah", "Nordiana", "Muslimah", "Wardah", "Maulida", "Rizka Amalia", "Syifa Fauziah", "Laila Rahmah",
        "Helda Yanti", "Eka Fitriani", "Nurbaiti", "Jubaidah", "Sa'adah", "Mahmudah", "Noor Laila", "Isnawati",
    ),
    ("banjar", "L"): (
        "Muhammad Rizki", "Ahmad Fauzi", "Syahrani", "Muhammad Noor", "Abdul Hadi", "Rahmadi", "Hairil Anwar",
        "Gusti Irwan", "Saipul Rahman", "Ahmad Yani", "Fahrul Razi", "M. Arsyad", "Zainal Arifin", "Abdul Karim",
        "Basri", "Jumberi", "Mursidi", "Hamdani", "Rusdi", "Aspihani", "Samsul Bahri", "Taufik Hidayat", "Masrani",
        "Rahmat Hidayat", "Ahmad Rifani", "Normansyah", "Akhmad Fitriadi", "Syarifuddin", "Mahyuni", "Yusran",
        "Sahrudin", "Helmi", "Fauzan Noor", "Riduan", "Ahmad Juhdi", "Arbani", "Muhammad Ramadhan", "Isnaini",
    ),
    ("jawa", "P"): (
        "Sri Wahyuni", "Sumarni", "Suparmi", "Tri Lestari", "Endang Susilowati", "Siti Maryam", "Wartini",
        "Sulastri", "Yuni Astuti", "Dwi Handayani", "Sugiyem", "Winarsih", "Kusmiyati", "Rini Widyastuti",
        "Eni Kurniasih", "Tutik Haryati", "Euis Rohaeni", "Neneng Hasanah", "Yayah Sopiah", "Cucu Sumiati",
        "Sri Rahayu", "Nurjanah", "Puji Lestari", "Siti Muawanah", "Ngatini", "Sumiyati", "Wiwik Sulistyowati",
    ),
    ("jawa", "L"): (
        "Suyanto", "Sugeng Riyadi", "Bambang Supriyadi", "Slamet", "Agus Salim", "Joko Susilo", "Wagiman",
        "Teguh Prasetyo", "Dedi Kurniawan", "Asep Saepudin", "Sutrisno", "Paijo", "Eko Wahyudi", "Mulyono",
    ),
    ("dayak", "P"): (
        "Yuliana", "Marta Ulina", "Elisabet", "Debora", "Natalia", "Sarlina", "Mariati", "Lidia", "Rosalina",
        "Kristina", "Nopita Sari", "Helena", "Yohana", "Sintia", "Juliati", "Erni Santi", "Rita Damayanti",
        "Yanti Kristiani", "Mince", "Lusiana", "Agustina", "Serli", "Nelly Yuliani", "Darmawati",
    ),
    ("dayak", "L"): (
        "Yohanes", "Markus", "Petrus", "Yulius", "Rinto", "Alpian", "Simson", "Natanael", "Rudi Hartono",
        "Ferdinand", "Lamberthus", "Darius", "Hendri Kusnadi", "Wilson",
    ),
}
# Hajjah and haji: a title many older Banjar women and men carry in their name.
GELAR = {"P": "Hj. ", "L": "H. "}

NAMA_POSYANDU = (
    "Melati", "Mawar", "Anggrek", "Bougenville", "Teratai", "Kenanga", "Cempaka", "Dahlia", "Flamboyan", "Seruni",
    "Kamboja", "Nusa Indah", "Kemuning", "Asoka", "Sedap Malam", "Matahari", "Tulip", "Aster", "Kasturi",
    "Harapan Bunda", "Kasih Ibu", "Permata Hati", "Sehati", "Bina Sehat", "Tunas Harapan", "Bungas", "Galuh",
    "Intan", "Sasirangan", "Idaman", "Pelangi", "Cempaka Putih",
)
DUSUN = ("Hulu", "Hilir", "Tengah", "Padang", "Baru", "Murung", "Karya Bakti", "Sungai Ulin", "Harapan", "Sejahtera",
         "Mekar Sari", "Banua Anyar", "Pematang", "Rantau", "I", "II", "III", "IV")
TEMPAT = ("Balai Desa {desa}", "Gedung Posyandu RT {rt}", "Polindes {desa}", "Samping Langgar {ibadah}",
          "Dekat Masjid {ibadah}", "Rumah Ketua RT {rt}", "Gedung PAUD {paud}")
JALAN = ("Jl. A. Yani", "Jl. Pangeran Antasari", "Jl. Jend. Sudirman", "Jl. Pangeran Hidayatullah",
         "Jl. Lambung Mangkurat", "Jl. Hasan Basri", "Jl. Kenanga", "Jl. Delima", "Gang Keluarga", "Gang Bersama")
IBADAH = ("Al-Ikhlas", "Nurul Huda", "Darussalam", "Al-Muhajirin", "Nurul Iman", "At-Taqwa", "Miftahul Jannah")
PAUD = ("Harapan Bunda", "Tunas Bangsa", "Al-Hidayah", "Bina Anak Sholeh", "Permata Bunda")
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Sabtu")
MINGGU_KE = ("pertama", "kedua", "ketiga", "keempat")
# Mobile prefixes with their weight: Telkomsel has most of the signal in rural Kalimantan Selatan.
PREFIX_HP = {"0812": 6, "0813": 5, "0821": 4, "0822": 5, "0823": 3, "0852": 6, "0853": 5, "0811": 1, "0851": 2,
             "0857": 2, "0856": 1, "0878": 1, "0819": 1, "0895": 1, "0896": 1, "0838": 1}
# The mix of the national-scale generator (portal/demo/skala.py), which does not know who lives where.
SUKU_NASIONAL = {"banjar": 4, "jawa": 4, "dayak": 2}


def nama_orang(rng: random.Random, suku: str, jenis_kelamin: str, tua: bool) -> str:
    """A name of the suku; only someone older (tua) may carry the title of a haji, as one Banjar in ten does."""
    nama = rng.choice(NAMA_ORANG[suku, jenis_kelamin])
    if tua and suku == "banjar" and rng.random() < .1:
        nama = GELAR[jenis_kelamin] + nama
    return nama


@lru_cache(maxsize=None)
def singkatan(nama: str) -> str:
    """The desa in an SK number: Pamarangan Kiwa → PMK, Hapalah → HPL; DS for a name without letters."""
    words = re.sub(r"[^A-Za-z ]", "", nama).upper().split()
    if not words:
        return "DS"
    consonants = [c for c in words[0][1:] if c not in "AIUEO"]
    if len(words) == 1:
        return words[0][0] + "".join(consonants[:2])
    return words[0][0] + "".join(consonants[:1]) + "".join(w[0] for w in words[1:])
