#!/usr/bin/env python3
"""Live mode at scale: `eksdoctor cluster` against moto (AWS) and kmock's Kubernetes emulator
seeded with a large cluster, against a baseline measured in the same run: the same scan of the
small estate of the tests (crates/eksdoctor/tests/kmock/estate.json).

    bench/live.py [--pods N] [--runs R]

The large estate: N pods (default 5,000) owned by ReplicaSets of N/20 Deployments in 50
namespaces, N/50 nodes, a Service and a ServiceAccount per Deployment. Prints, for each estate,
the Kubernetes requests the scan made (from the emulator's log), the median wall time and the
peak resident memory of the eksdoctor process. Needs moto[server] and kmock (PyPI), as the tests.
"""
import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MOTO_DIR = os.path.join(ROOT, "crates/eksdoctor_live/tests/moto")
KMOCK_DIR = os.path.join(ROOT, "crates/eksdoctor/tests/kmock")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what):
    start = time.time()
    while time.time() - start < 120:
        if proc.poll() is not None:
            sys.exit(f"{what} exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{what} did not start")


def ready_port(proc, what):
    line = proc.stdout.readline().decode()
    if not line.startswith("ready "):
        sys.exit(f"{what} did not start: {line!r}")
    return int(line.split()[1])


def big_estate(pods):
    deployments = max(1, pods // 20)
    out = [{"_path": "/api/v1/namespaces", "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": f"ns-{i}"}} for i in range(50)]
    for n in range(max(1, pods // 50)):
        out.append({"_path": "/api/v1/nodes", "apiVersion": "v1", "kind": "Node",
                    "metadata": {"name": f"ip-10-0-{n // 250}-{n % 250}.ec2.internal",
                                 "labels": {"eks.amazonaws.com/nodegroup": "general",
                                            "node.kubernetes.io/instance-type": "m5.large",
                                            "topology.kubernetes.io/zone": "eu-west-1b"}},
                    "status": {"nodeInfo": {"kubeletVersion": "v1.31.4-eks-aeac579"},
                               "allocatable": {"pods": "29"}}})
    container = {"name": "app", "image": "registry.example/app:1.0",
                 "env": [{"name": "MODE", "value": "prod"}],
                 "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}
    for d in range(deployments):
        ns, name = f"ns-{d % 50}", f"app-{d}"
        labels = {"app": name}
        spec = {"containers": [container]}
        out.append({"_path": f"/apis/apps/v1/namespaces/{ns}/deployments", "apiVersion": "apps/v1",
                    "kind": "Deployment", "metadata": {"name": name, "namespace": ns},
                    "spec": {"replicas": 20, "selector": {"matchLabels": labels},
                             "template": {"metadata": {"labels": labels}, "spec": spec}}})
        rs = f"{name}-5d8f"
        out.append({"_path": f"/apis/apps/v1/namespaces/{ns}/replicasets", "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "metadata": {"name": rs, "namespace": ns, "ownerReferences": [
                        {"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": f"d{d}", "controller": True}]},
                    "spec": {"replicas": 20, "selector": {"matchLabels": labels},
                             "template": {"metadata": {"labels": labels}, "spec": spec}}})
        out.append({"_path": f"/api/v1/namespaces/{ns}/services", "apiVersion": "v1", "kind": "Service",
                    "metadata": {"name": name, "namespace": ns},
                    "spec": {"selector": labels, "ports": [{"port": 80}]}})
        out.append({"_path": f"/api/v1/namespaces/{ns}/serviceaccounts", "apiVersion": "v1",
                    "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns}})
        for p in range(20):
            out.append({"_path": f"/api/v1/namespaces/{ns}/pods", "apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": f"{rs}-{p}", "namespace": ns, "labels": labels, "ownerReferences": [
                            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": f"r{d}", "controller": True}]},
                        "spec": {**spec, "nodeName": f"ip-10-0-0-{(d * 20 + p) % 250}.ec2.internal"}})
    return out[: len(out)]


def measure(binary, env, kubeconfig, runs):
    """Median wall seconds and peak RSS (MB) of `eksdoctor cluster` over `runs` runs."""
    times, peak = [], 0
    for _ in range(runs):
        start = time.time()
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.execve(binary, [binary, "cluster", "--region", "eu-west-1", "--kubeconfig", kubeconfig,
                               "--context", "live-demo", "--format", "json", "--as-of", "2026-11-22"], env)
        _, status, usage = os.wait4(pid, 0)
        times.append(time.time() - start)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"eksdoctor failed ({os.waitstatus_to_exitcode(status)})")
        peak = max(peak, usage.ru_maxrss / 1024)
    return statistics.median(times), peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "eksdoctor"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target/release/eksdoctor")
    tmp = tempfile.mkdtemp()
    procs = []
    try:
        port = free_port()
        moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(moto)
        wait_port(port, moto, "moto")
        moto_url = f"http://127.0.0.1:{port}"
        subprocess.run([sys.executable, os.path.join(MOTO_DIR, "seed.py"), moto_url], check=True,
                       stdout=subprocess.DEVNULL)
        front = subprocess.Popen([sys.executable, os.path.join(MOTO_DIR, "eks_extra.py"), moto_url,
                                  os.path.join(MOTO_DIR, "eks_estate.json"), os.path.join(tmp, "aws.log")],
                                 stdout=subprocess.PIPE)
        procs.append(front)
        aws = f"http://127.0.0.1:{ready_port(front, 'eks_extra.py')}"
        big = os.path.join(tmp, "big.json")
        json.dump(big_estate(args.pods), open(big, "w"))
        env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_ENDPOINT_URL": aws}
        print(f"{args.runs} runs, {os.cpu_count()} cores")
        print(f"{'estate':<28} {'k8s objects':>11} {'k8s requests':>12} {'median':>8} {'vs base':>8} {'peak RSS':>9}")
        base = None
        for label, estate in [("baseline: the tests' estate", os.path.join(KMOCK_DIR, "estate.json")),
                              (f"{args.pods} pods", big)]:
            log = os.path.join(tmp, f"k8s-{len(label)}.log")
            t0 = time.time()
            kmock = subprocess.Popen([sys.executable, os.path.join(KMOCK_DIR, "serve.py"), estate, log, "--direct"],
                                     stdout=subprocess.PIPE)
            procs.append(kmock)
            kport = ready_port(kmock, "kmock")
            seeded = time.time() - t0
            kc = os.path.join(tmp, "kubeconfig")
            open(kc, "w").write(f"apiVersion: v1\nkind: Config\nclusters:\n- name: e\n  cluster:\n    server: http://127.0.0.1:{kport}\n"
                                "users:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: live-demo\n  context:\n    cluster: e\n    user: u\n"
                                "current-context: live-demo\n")
            before = sum(1 for l in open(log) if not l.startswith("POST "))
            secs, rss = measure(binary, env, kc, args.runs)
            requests = (sum(1 for l in open(log) if not l.startswith("POST ")) - before) // args.runs
            objects = len(json.load(open(estate)))
            base = base or secs
            print(f"{label:<28} {objects:>11} {requests:>12} {secs:>7.2f}s {secs / base:>7.1f}x {rss:>7.0f}MB"
                  f"   (seeded in {seeded:.0f} s)")
            kmock.terminate()
            kmock.wait()
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
