"""Password validators whose messages Django's Chinese catalogue lacks.

Django 5.2's zh_Hans translation has no entry for the minimum-length error (its English text
changed), so a short password would be refused in English. The rule is Django's; only the words
are ours.
"""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码长度太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
