#!/usr/bin/env python3
"""Run commands in the QEMU test guest through the QEMU guest agent (test images only).

    guest.py SOCKET wait [--timeout S]          wait until the agent answers
    guest.py SOCKET run [--timeout S] COMMAND   run COMMAND with /bin/sh -c as root; prints
                                                its output, exits with its exit code
    guest.py SOCKET reboot [--timeout S]        start `systemctl reboot` and return at once
                                                (no timer in the guest, no wait for its exit)
    guest.py QMP_SOCKET reset                   reset the virtual machine through QEMU's
                                                monitor (QMP), like its reset button

The agent's socket is a QEMU chardev (a virtio serial port in the guest); it survives guest
reboots, so every call first resynchronises with guest-sync-delimited.
"""

import argparse
import base64
import json
import random
import socket
import sys
import time


class Agent:
    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _read_reply(self):
        while True:
            line, sep, rest = self.buf.partition(b"\n")
            if sep:
                self.buf = rest
                line = line.replace(b"\xff", b"").strip()
                if line:
                    return json.loads(line)
                continue
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("agent socket closed")
            self.buf += chunk

    def sync(self):
        token = random.randrange(1, 2**31)
        self.sock.sendall(b"\xff")
        self.sock.sendall(json.dumps({"execute": "guest-sync-delimited",
                                      "arguments": {"id": token}}).encode() + b"\n")
        while True:
            reply = self._read_reply()
            if reply.get("return") == token:
                return

    def call(self, command, **arguments):
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        reply = self._read_reply()
        if "error" in reply:
            raise RuntimeError(f"{command}: {reply['error'].get('desc', reply['error'])}")
        return reply.get("return")


def connect(path, deadline):
    """An agent connection that has answered a sync, retried until the deadline."""
    last = None
    while time.monotonic() < deadline:
        agent = None
        try:
            agent = Agent(path, timeout=3)
            agent.sync()
            return agent
        except (OSError, ConnectionError, ValueError) as e:
            last = e
            if agent:
                agent.close()
            time.sleep(1)
    raise TimeoutError(f"guest agent did not answer: {last}")


def run(path, command, timeout):
    deadline = time.monotonic() + timeout
    agent = connect(path, deadline)
    try:
        pid = agent.call("guest-exec", path="/bin/sh", arg=["-c", command],
                         **{"capture-output": True})["pid"]
        while time.monotonic() < deadline:
            status = agent.call("guest-exec-status", pid=pid)
            if status.get("exited"):
                out = base64.b64decode(status.get("out-data", ""))
                err = base64.b64decode(status.get("err-data", ""))
                sys.stdout.buffer.write(out)
                sys.stderr.buffer.write(err)
                return status.get("exitcode", 128 + status.get("signal", 0))
            time.sleep(0.2)
        raise TimeoutError(f"command still running after {timeout}s: {command}")
    finally:
        agent.close()


def reboot(path, timeout):
    """Starts `systemctl reboot` in the guest. Returns once the agent has started it: its exit
    status is never polled, as the agent itself goes down with the system."""
    agent = connect(path, time.monotonic() + timeout)
    try:
        agent.call("guest-exec", path="/bin/systemctl", arg=["reboot"])
        return 0
    finally:
        agent.close()


def reset(path, timeout):
    """Resets the virtual machine through QEMU's QMP monitor socket (not the guest agent)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(path)
    stream = sock.makefile("rwb")
    try:
        def command(name):
            stream.write(json.dumps({"execute": name}).encode() + b"\n")
            stream.flush()
            while True:
                reply = json.loads(stream.readline() or b"null")
                if reply is None:
                    raise ConnectionError("QMP socket closed")
                if "error" in reply:
                    raise RuntimeError(f"{name}: {reply['error'].get('desc', reply['error'])}")
                if "return" in reply:
                    return
        stream.readline()  # the greeting
        command("qmp_capabilities")
        command("system_reset")
        return 0
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("socket")
    parser.add_argument("action", choices=["wait", "run", "reboot", "reset"])
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("command", nargs="?")
    args = parser.parse_intermixed_args()
    try:
        if args.action == "wait":
            connect(args.socket, time.monotonic() + args.timeout).close()
            return 0
        if args.action == "reboot":
            return reboot(args.socket, args.timeout)
        if args.action == "reset":
            return reset(args.socket, args.timeout)
        if not args.command:
            parser.error("run needs a COMMAND")
        return run(args.socket, args.command, args.timeout)
    except (TimeoutError, RuntimeError, OSError) as e:
        print(f"guest.py: {e}", file=sys.stderr)
        return 124


if __name__ == "__main__":
    sys.exit(main())
