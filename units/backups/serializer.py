"""Django's JSON serializer for backups ("jsonexact"), exact to the row:

- times keep their microseconds (DjangoJSONEncoder cuts them to milliseconds, which would
  change every auto_now timestamp in a dumpdata/loaddata round trip);
- many-to-many links are left out of their owner's rows: the backup dumps each link table
  as a table of its own, so the links keep their ids too.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            if isinstance(o, datetime.time) and o.utcoffset() is not None:
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder

    def handle_m2m_field(self, obj, field):
        pass  # dumped with the link table's own rows


Deserializer = django_json.Deserializer
