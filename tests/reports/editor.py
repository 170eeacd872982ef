"""The report editor's POST as the page sends it, built from a saved report — shared by every test
that saves through the editor (views, audit, security) so a change to the form changes one place."""


def editor_data(report, **overrides) -> dict:
    data = {
        "revision": str(report.revision),
        "title": report.title,
        "addressee": report.addressee,
        "opening": report.opening,
        "signature": report.signature,
        "signed_on": report.signed_on.isoformat(),
        "action": "save",
        "item": [],
    }
    for item in report.items.all():
        data["item"].append(str(item.pk))
        data[f"item-{item.pk}-section"] = str(item.section)
        data[f"item-{item.pk}-text"] = item.text
        if item.numbered:
            data[f"item-{item.pk}-numbered"] = "1"
    data.update(overrides)
    return data
