#!/usr/bin/env python3
"""Assembles an image archive from layer tars, with no container engine (hack/image.sh).

The archive is an OCI image layout (oci-layout, index.json, blobs/sha256/...) with Docker's manifest.json
beside it, the format `docker save` writes since Docker 25: `ctr images import`, `docker load` and
`podman load` all read it. Layers are gzip-compressed without timestamps, so equal inputs give equal bytes.
The tag is the first 12 hex digits of the config digest (content-addressed, like an image ID). Prints the
image reference REPOSITORY:TAG and writes the uncompressed size of the layers to <out dir>/size.
"""
import argparse
import gzip
import hashlib
import json
import os
import shutil
import tarfile

CHUNK = 1 << 20


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def write_blob(blobs, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return digest


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--repository", required=True)
    parser.add_argument("--layer", action="append", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--java-options", default="")
    parser.add_argument("--tag", help="a fixed tag instead of the content-addressed one")
    parser.add_argument("--entrypoint", help="JSON list; default: java -jar the operator")
    parser.add_argument("--cmd", default='["operator"]', help="JSON list")
    parser.add_argument("--user", default="185:185")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    blobs = os.path.join(args.work, "blobs", "sha256")
    os.makedirs(blobs)

    layers, diff_ids, uncompressed = [], [], 0
    for layer in args.layer:
        uncompressed += os.path.getsize(layer)
        diff_ids.append("sha256:" + sha256_file(layer))
        tmp = os.path.join(args.work, "layer.tar.gz")
        with open(layer, "rb") as src, open(tmp, "wb") as raw:
            # mtime=0 and no file name: the gzip header carries nothing that varies between builds.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as gz:
                shutil.copyfileobj(src, gz, CHUNK)
        digest = sha256_file(tmp)
        os.replace(tmp, os.path.join(blobs, digest))
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "digest": "sha256:" + digest, "size": os.path.getsize(os.path.join(blobs, digest))})

    java_opts = args.java_options.split()
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {
            "User": args.user,
            "WorkingDir": "/deployments" if args.entrypoint is None else "/",
            "Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
            "Entrypoint": (json.loads(args.entrypoint) if args.entrypoint
                           else ["/opt/java/bin/java", *java_opts, "-jar", "/deployments/quarkus-run.jar"]),
            "Cmd": json.loads(args.cmd),
            "ExposedPorts": {"8080/tcp": {}},
            "Labels": {"org.opencontainers.image.title": "smtp-probe-operator",
                       "org.opencontainers.image.source": "hack/image.sh, src/main/docker/Containerfile"},
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": name}
                    for name in ("base: Debian libraries and a jlink runtime", "deps: quarkus-app/lib",
                                 "app: quarkus-app")][:len(layers)],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_digest = write_blob(blobs, config_bytes)
    tag = args.tag or config_digest[:12]
    ref = f"{args.repository}:{tag}"
    full_name = ref if "/" in args.repository else f"docker.io/library/{ref}"
    if args.entrypoint:  # not the operator: no operator labels, no port
        del config["config"]["ExposedPorts"]
        config["config"]["Labels"] = {}
        config["config"]["Env"] = ["PATH=/"]
        config["history"] = [{"created": "1970-01-01T00:00:00Z", "created_by": "layer"}] * len(layers)
        config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
        os.remove(os.path.join(blobs, config_digest))
        config_digest = write_blob(blobs, config_bytes)

    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": "sha256:" + config_digest, "size": len(config_bytes)},
                "layers": layers}
    manifest_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    manifest_digest = write_blob(blobs, manifest_bytes)

    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "digest": "sha256:" + manifest_digest, "size": len(manifest_bytes),
                            "platform": {"architecture": "amd64", "os": "linux"},
                            "annotations": {"io.containerd.image.name": full_name,
                                            "org.opencontainers.image.ref.name": tag}}]}
    with open(os.path.join(args.work, "index.json"), "w") as f:
        json.dump(index, f, sort_keys=True, separators=(",", ":"))
    with open(os.path.join(args.work, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(args.work, "manifest.json"), "w") as f:
        json.dump([{"Config": "blobs/sha256/" + config_digest, "RepoTags": [ref],
                    "Layers": ["blobs/sha256/" + layer["digest"][7:] for layer in layers]}], f)

    def normalize(info):
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = 0
        return info

    tmp_out = args.out + ".tmp"
    with tarfile.open(tmp_out, "w", format=tarfile.PAX_FORMAT) as archive:
        for name in ("oci-layout", "index.json", "manifest.json"):
            archive.add(os.path.join(args.work, name), arcname=name, filter=normalize)
        for name in ("blobs", "blobs/sha256"):
            archive.add(os.path.join(args.work, name), arcname=name, recursive=False, filter=normalize)
        for name in sorted(os.listdir(blobs)):
            archive.add(os.path.join(blobs, name), arcname="blobs/sha256/" + name, filter=normalize)
    os.replace(tmp_out, args.out)
    shutil.rmtree(args.work, ignore_errors=True)
    with open(os.path.join(os.path.dirname(args.out), "size"), "w") as f:
        f.write(f"{uncompressed}\n")
    print(ref)


if __name__ == "__main__":
    main()
