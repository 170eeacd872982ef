"""Password hashing for passwords an administrator issues (``branchwork.accounts``).

Django's default PBKDF2 takes a million rounds (about half a second a password here) because
people choose guessable passwords. An issued password is 12 random characters from 55 (about 69
bits): guessing it is out of reach at any number of rounds, and it is replaced at the first login
anyway (and rehashed with the default hasher as Django does on a successful login with a
non-preferred hasher). Fewer rounds let one workbook create a 党委's forty accounts in a second
instead of twenty.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class IssuedPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_issued"
    iterations = 20_000
