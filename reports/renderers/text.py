from reports.document import Document


class TextRenderer:
    identifier = "text"
    verbose_name = "纯文本"
    extension = "txt"
    content_type = "text/plain; charset=utf-8"

    def render(self, document: Document) -> bytes:
        return document.plain_text().encode("utf-8")
