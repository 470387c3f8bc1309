package dev.culprit.collectors.proc;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where {@code /proc/PID/cgroup} puts a process, and the container that place belongs to.
 *
 * @param path the cgroup v2 path ({@code 0::/path}), or on a v1 or hybrid host whose unified
 *     hierarchy is unused ({@code 0::/} everywhere), the most specific v1 path
 * @param containerId the docker, containerd, CRI-O or podman id named by the path, or null
 */
public record ProcessCgroup(String path, String containerId) {

    // Names the runtimes give a container's cgroup: systemd driver (docker-ID.scope, under
    // kubepods-...-pod<uid>.slice for cri-containerd-ID.scope and crio-ID.scope; libpod-ID.scope
    // for podman, whose libpod-conmon-ID.scope holds the monitor, not the container) and
    // cgroupfs driver (/docker/ID, /kubepods/<qos>/pod<uid>/ID).
    private static final List<Pattern> CONTAINER_NAMES = List.of(
            Pattern.compile("(?:docker|cri-containerd|crio)-([0-9a-f]{64})\\.scope"),
            Pattern.compile("libpod-(?!conmon-)([0-9a-zA-Z]+)\\.scope"));
    private static final Pattern CGROUPFS_CONTAINER = Pattern.compile(
            "/(?:docker|kubepods(?:/[a-z]+)?/pod[0-9a-f_-]+)/([0-9a-f]{64})(?:/|$)");

    /** Reads the lines {@code hierarchy-id:controllers:path}; lines of another shape are ignored. */
    public static ProcessCgroup parse(String text) {
        String unified = null;
        String mostSpecificV1 = null;
        String containerId = null;
        for (String line : text.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3 || !f[2].startsWith("/")) {
                continue;
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                unified = f[2];
            } else if (mostSpecificV1 == null || depth(f[2]) > depth(mostSpecificV1)) {
                mostSpecificV1 = f[2];
            }
            if (containerId == null) {
                containerId = containerId(f[2]);
            }
        }
        String path = unified != null && (!unified.equals("/") || mostSpecificV1 == null) ? unified : mostSpecificV1;
        return new ProcessCgroup(path, containerId);
    }

    /** The container id a cgroup path names, or null; the innermost one when containers nest. */
    static String containerId(String path) {
        String found = null;
        for (String segment : path.split("/")) {
            for (Pattern name : CONTAINER_NAMES) {
                Matcher m = name.matcher(segment);
                if (m.matches()) {
                    found = m.group(1);
                }
            }
        }
        if (found == null) {
            Matcher m = CGROUPFS_CONTAINER.matcher(path);
            while (m.find()) {
                found = m.group(1);
            }
        }
        return found;
    }

    private static long depth(String path) {
        return path.equals("/") ? 0 : path.chars().filter(c -> c == '/').count();
    }
}
