"""The audit log: who created, changed or deleted each record and report (django-auditlog).

Entries are ``AuditEntry`` rows, each tagged with the organisation its record belongs to, so the
操作日志 pages can be scoped through ``branchwork.access`` like every other page.
"""
