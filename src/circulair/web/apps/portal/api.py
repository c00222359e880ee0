"""The jobs API: what an API client follows after it sent work to the queue (a large import,
for example ``POST /monitor/observations/import`` answers 202 with the job), as ``/jobs/<id>/``
shows it to people: its state, progress and phase, then its outcome and result, or its error
with every problem. Only the job's creator and administrators see a job; others get 404."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, permissions, viewsets

from circulair.web.apps.common import jobs
from circulair.web.apps.common import permissions as rules
from circulair.web.apps.common.api import JobSerializer
from circulair.web.apps.common.models import Job


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A background job by id (``GET /jobs/{id}/``): poll it until ``status`` is done, failed
    or cancelled."""

    serializer_class = JobSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database needed
            return Job.objects.none()
        jobs.reap_stale()
        return rules.restrict(self.request.user, "job.view", Job.objects.all())
