"""A Kubernetes API for live mode's tests: kmock's KubernetesEmulator (PyPI `kmock`) on loopback.

    python3 serve.py SEED.json LOG [PAGE] [--direct]

Serves on a free port of 127.0.0.1 and prints `ready PORT` once SEED's objects (a JSON list of
Kubernetes objects, each with its API path as `_path`) are created through the API itself (real
POSTs). Every request is appended to LOG as `METHOD PATH?QUERY`, for the read-only check. The
resources the live reader lists are declared, so that a kind with no object lists as empty (not
404) the way a real API server answers; the Karpenter and ENIConfig custom resources are declared
only when SEED has such objects, as when their CRD is installed. Lists are paged by `limit`
with continue tokens; PAGE caps every page (the tests use it to make the client follow tokens).
`--direct` stores SEED's objects without POSTs (kmock's create path slows down with thousands
of objects; the benchmark uses it).
"""
import asyncio
import json
import sys

import attrs
import kmock
from kmock._internal import parsing

# kmock 0.8 reads `/api/v1/namespaces[/NAME]` as a namespace prefix with no resource (and fails
# with HTTP 500): the Namespace resource itself is parsed here, every other path as kmock does.
_parse_path = parsing.parse_path


def _parse_namespaces(path):
    parts = path.strip("/").split("/")
    if parts[:3] == ["api", "v1", "namespaces"] and len(parts) in (3, 4):
        return parsing.ParsedPath("", "v1", "namespaces", None, parts[3] if len(parts) == 4 else None)
    return _parse_path(path)


parsing.parse_path = _parse_namespaces

CORE = ["namespaces", "nodes", "pods", "services", "serviceaccounts", "persistentvolumeclaims",
        "persistentvolumes", "configmaps"]
GROUPS = {
    "apps/v1": ["deployments", "statefulsets", "daemonsets", "replicasets"],
    "batch/v1": ["jobs", "cronjobs"],
    "networking.k8s.io/v1": ["ingresses"],
    "storage.k8s.io/v1": ["storageclasses", "csidrivers"],
    "autoscaling/v2": ["horizontalpodautoscalers"],
    "policy/v1": ["poddisruptionbudgets"],
    "apiregistration.k8s.io/v1": ["apiservices"],
}


@attrs.define(kw_only=True)
class Logged(kmock.KubernetesEmulator):
    log: object = None
    # At most this many objects a page (as an API server may return fewer than `limit`).
    page: int = 0

    async def _handle(self, request):
        if self.log is not None:
            self.log.write(f"{request.method.value.upper()} {request.url.path_qs}\n")
            self.log.flush()
        return await super()._handle(request)

    async def _serve_list(self, request):
        # kmock lists everything at once: pages of `limit` (and of `page`) with continue tokens
        # (the offset), as the API server pages a list.
        got = await super()._serve_list(request)
        items = got["items"]
        start = int(request.params.get("continue") or 0)
        size = int(request.params.get("limit") or 0) or len(items) or 1
        if self.page:
            size = min(size, self.page)
        got["items"] = items[start:start + size]
        if start + size < len(items):
            got["metadata"]["continue"] = str(start + size)
        return got


def key_of(path, obj):
    """kmock's key of an object created by a POST to `path`: (resource, namespace, name)."""
    parts = path.strip("/").split("/")
    gv, rest = (parts[1], parts[2:]) if parts[0] == "api" else ("/".join(parts[1:3]), parts[3:])
    ns = rest[1] if len(rest) == 3 and rest[0] == "namespaces" else None
    return (f"{gv}/{rest[-1]}", ns, obj["metadata"]["name"])


async def main(seed_path, log_path, page, direct):
    seed = json.load(open(seed_path))
    with open(log_path, "a") as log:
        emu = Logged(log=log, page=page)
        for r in CORE:
            emu.resources[f"v1/{r}"] = {}
        for gv, plurals in GROUPS.items():
            for r in plurals:
                emu.resources[f"{gv}/{r}"] = {}
        async with emu, kmock.Server(emu) as server:
            for obj in seed:
                path = obj.pop("_path")
                if direct:
                    emu.objects[key_of(path, obj)] = obj
                    continue
                async with server.client.post(path, json=obj) as resp:
                    if resp.status >= 300:
                        sys.exit(f"seeding {path}: HTTP {resp.status}: {await resp.text()}")
            print(f"ready {server.port}", flush=True)
            await asyncio.Event().wait()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--direct"]
    asyncio.run(main(args[0], args[1], int(args[2]) if len(args) > 2 else 0, "--direct" in sys.argv))
