"""Password hashing for passwords an administrator issues (``branchwork.accounts``).

Django's default PBKDF2 takes a million rounds (about half a second a password here) because
people choose guessable passwords. An issued password is 12 random characters from 55 (about 69
bits): guessing it is out of reach at any number of rounds — at a thousand rounds a GPU that
tries ten billion SHA-256 a second needs some two million years for half the space — and it is
replaced at the first login anyway (and rehashed with the default hasher, as Django does on a
successful login with a non-preferred hasher). A thousand rounds make a set-up workbook's 5,000 passwords in
a few seconds (20,000 rounds took half a minute); hashes made with more rounds still verify, as
PBKDF2 stores its rounds in the hash.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class IssuedPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_issued"
    iterations = 1_000
