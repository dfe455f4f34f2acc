"""What moto's server does not serve of EKS, on loopback, in front of moto.

    python3 eks_extra.py MOTO_URL ESTATE.json LOG [DELAY]

Serves on a free port of 127.0.0.1 and prints `ready PORT`. EKS requests for add-ons, access
entries and their policies, Pod Identity associations, identity provider configs and insights are
answered from ESTATE (keyed by cluster name) with the response shapes of the EKS API reference
(https://docs.aws.amazon.com/eks/latest/APIReference/); moto's DescribeCluster answer gets the
estate's `accessConfig` (moto has none). CloudTrail's LookupEvents (moto does not serve it) answers
with the estate's `createClusterEvent` (a CloudTrail record, https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html)
timed a minute before this server started (after the seeding), when the request's StartTime..EndTime holds that time. Every
other request (EKS clusters, node groups, Fargate profiles; EC2; IAM; Auto Scaling) is forwarded to
moto unchanged. Every request is appended to LOG as `SERVICE METHOD PATH ACTION KEY` (ACTION: the
query protocol's `Action`, the JSON protocol's `X-Amz-Target` operation, `-` for REST calls; KEY
the access key id that signed it), for the read-only check: all AWS calls of a scan pass here when
AWS_ENDPOINT_URL points at this server. With DELAY (seconds), each EKS Describe of one node
group, add-on or access entry is answered that much later, and LOG.peaks holds, per request
shape (`eks GET clusters/*/node-groups/*`), the most requests of that shape in flight at once.
"""
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MOTO, ESTATE, LOG = sys.argv[1], json.load(open(sys.argv[2])), open(sys.argv[3], "a")
DELAY = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
PEAKS_FILE, INFLIGHT, PEAKS = sys.argv[3] + ".peaks", {}, {}
LOCK = threading.Lock()
CREATED = time.time() - 60


def answer(method, path):
    """The estate's answer for an EKS path moto does not serve, or None."""
    parts = [urllib.parse.unquote(p) for p in path.split("?")[0].strip("/").split("/")]
    if method == "GET" and parts == ["addons", "supported-versions"]:
        query = urllib.parse.parse_qs(path.split("?", 1)[1] if "?" in path else "")
        name = query.get("addonName", [""])[0]
        versions = ESTATE.get("_addonVersions", {}).get(name)
        return {"addons": [{"addonName": name, "type": "networking", "addonVersions": versions}]} if versions else {"addons": []}
    if len(parts) < 3 or parts[0] != "clusters" or parts[1] not in ESTATE:
        return None
    c, rest = ESTATE[parts[1]], parts[2:]
    match (method, rest):
        case ("GET", ["addons"]):
            return {"addons": sorted(c.get("addons", {}))}
        case ("GET", ["addons", name]):
            return {"addon": c["addons"][name]} if name in c.get("addons", {}) else 404
        case ("GET", ["access-entries"]):
            return {"accessEntries": sorted(c.get("accessEntries", {}))}
        case ("GET", ["access-entries", arn]):
            e = c.get("accessEntries", {}).get(arn)
            return {"accessEntry": e["entry"]} if e else 404
        case ("GET", ["access-entries", arn, "access-policies"]):
            e = c.get("accessEntries", {}).get(arn)
            return {"clusterName": parts[1], "principalArn": arn,
                    "associatedAccessPolicies": e["policies"]} if e else 404
        case ("GET", ["pod-identity-associations"]):
            return {"associations": [{k: a[k] for k in ("clusterName", "namespace", "serviceAccount",
                                                         "associationArn", "associationId")}
                                     for a in c.get("podIdentityAssociations", [])]}
        case ("GET", ["pod-identity-associations", aid]):
            found = [a for a in c.get("podIdentityAssociations", []) if a["associationId"] == aid]
            return {"association": found[0]} if found else 404
        case ("GET", ["identity-provider-configs"]):
            return {"identityProviderConfigs": c.get("identityProviderConfigs", [])}
        case ("POST", ["insights"]):
            return {"insights": [{k: v for k, v in i.items() if k != "recommendation"}
                                 for i in c.get("insights", [])]}
        case ("GET", ["insights", iid]):
            found = [i for i in c.get("insights", []) if i["id"] == iid]
            return {"insight": found[0]} if found else 404
    return None


def lookup_events(body):
    """CloudTrail LookupEvents: the estate's CreateCluster events within the asked time range."""
    req = json.loads(body or b"{}")
    when = CREATED
    attrs = req.get("LookupAttributes", [])
    if not (req.get("StartTime", 0) <= when <= req.get("EndTime", 2**40)):
        return {"Events": []}
    events = []
    for name, c in ESTATE.items():
        e = c.get("createClusterEvent") if isinstance(c, dict) else None
        if not e or any(a["AttributeKey"] == "EventName" and a["AttributeValue"] != "CreateCluster" for a in attrs):
            continue
        record = {**e, "eventName": "CreateCluster", "eventSource": "eks.amazonaws.com",
                  "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when)),
                  "requestParameters": {"name": name}}
        events.append({"EventId": f"event-{name}", "EventName": "CreateCluster", "ReadOnly": "false",
                       "EventTime": when, "EventSource": "eks.amazonaws.com",
                       "Resources": [{"ResourceType": "AWS::EKS::Cluster", "ResourceName": name}],
                       "CloudTrailEvent": json.dumps(record)})
    return {"Events": events}


def instance_types(body):
    """EC2 DescribeInstanceTypes for the estate's `_instanceTypes` (types newer than moto's data),
    in the EC2 API reference's response shape
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypes.html);
    `None` (forwarded to moto) when a type asked for is not among them."""
    asked = [v[0] for k, v in urllib.parse.parse_qs(body.decode()).items() if k.startswith("InstanceType.")]
    known = ESTATE.get("_instanceTypes", {})
    if not asked or any(a not in known for a in asked):
        return None
    items = ""
    for a in asked:
        t = known[a]
        cards = "".join(f"<item><networkCardIndex>{i}</networkCardIndex><maximumNetworkInterfaces>{n}</maximumNetworkInterfaces></item>"
                        for i, n in enumerate(t["cards"]))
        items += (f"<item><instanceType>{a}</instanceType><bareMetal>false</bareMetal>"
                  f"<hypervisor>{t['hypervisor']}</hypervisor><vCpuInfo><defaultVCpus>{t['vcpus']}</defaultVCpus></vCpuInfo>"
                  f"<networkInfo><maximumNetworkInterfaces>{sum(t['cards'])}</maximumNetworkInterfaces>"
                  f"<ipv4AddressesPerInterface>{t['ipv4PerEni']}</ipv4AddressesPerInterface>"
                  f"<defaultNetworkCardIndex>0</defaultNetworkCardIndex><networkCards>{cards}</networkCards></networkInfo></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            f"<requestId>eksdoctor-test</requestId><instanceTypeSet>{items}</instanceTypeSet></DescribeInstanceTypesResponse>")


def with_access_config(path, data):
    """moto's DescribeCluster answer with the estate's accessConfig."""
    parts = path.split("?")[0].strip("/").split("/")
    if len(parts) != 2 or parts[0] != "clusters" or "accessConfig" not in ESTATE.get(parts[1], {}):
        return data
    got = json.loads(data)
    got["cluster"]["accessConfig"] = ESTATE[parts[1]]["accessConfig"]
    return json.dumps(got).encode()


def shape(service, method, path):
    """A request's shape: its path with every other segment (the names) starred."""
    parts = path.split("?")[0].strip("/").split("/")
    return f"{service} {method} " + "/".join("*" if i % 2 else p for i, p in enumerate(parts))


def enter(key):
    with LOCK:
        INFLIGHT[key] = INFLIGHT.get(key, 0) + 1
        if INFLIGHT[key] > PEAKS.get(key, 0):
            PEAKS[key] = INFLIGHT[key]
            with open(PEAKS_FILE, "w") as f:
                json.dump(PEAKS, f)


def leave(key):
    with LOCK:
        INFLIGHT[key] -= 1


DELAYED = ("/node-groups/*", "/addons/*", "/access-entries/*")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def handle_any(self):
        key = None
        if DELAY:
            auth = self.headers.get("Authorization", "")
            service = auth.split("Credential=")[1].split("/")[3] if "Credential=" in auth else "?"
            key = shape(service, self.command, self.path)
            enter(key)
        try:
            if key and key.startswith("eks GET clusters/") and key.endswith(DELAYED):
                time.sleep(DELAY)
        finally:
            # Out of flight before the answer is written: once the client has it, it may send
            # the next request before this thread would run again.
            if key:
                leave(key)
        self.answer_any()

    def answer_any(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization", "")
        cred = auth.split("Credential=")[1].split("/") if "Credential=" in auth else ["?"] * 4
        service, key = cred[3], cred[0]
        target = self.headers.get("X-Amz-Target")
        action = target.rsplit(".", 1)[-1] if target else \
            urllib.parse.parse_qs(body.decode(errors="replace")).get("Action", ["-"])[0]
        with LOCK:
            LOG.write(f"{service} {self.command} {self.path} {action} {key}\n")
            LOG.flush()
        got = answer(self.command, self.path) if service == "eks" else None
        if service == "cloudtrail" and action == "LookupEvents":
            got = lookup_events(body)
        if service == "ec2" and action == "DescribeInstanceTypes":
            got = instance_types(body)
            if got is not None:
                return self.reply_xml(got)
        if got == 404:
            return self.reply(404, {"message": "not found"}, {"x-amzn-ErrorType": "ResourceNotFoundException"})
        if got is not None:
            return self.reply(200, got)
        req = urllib.request.Request(MOTO + self.path, data=body or None, method=self.command,
                                     headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
        try:
            with urllib.request.urlopen(req) as r:
                status, data, headers = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, data, headers = e.code, e.read(), e.headers
        if service == "eks" and self.command == "GET" and status == 200:
            data = with_access_config(self.path, data)
        self.send_response(status)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def reply_xml(self, text):
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def reply(self, status, obj, extra=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


ThreadingHTTPServer.request_queue_size = 64
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"ready {server.server_address[1]}", flush=True)
server.serve_forever()
