package dev.culprit.collectors.proc;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which disk holds a filesystem, by the filesystem's device number ({@code st_dev} of a file on
 * it), the way {@code df} answers it: the mount's source in {@code mountinfo}, or the device in
 * {@code /proc/diskstats}, then from a partition to its whole disk, as iostat reports disks.
 */
public final class MountedDisks {

    private static final Pattern PARTITION = Pattern.compile(
            "((?:sd|hd|vd|xvd)[a-z]+)\\d+|((?:nvme\\d+n\\d+|mmcblk\\d+|md\\d+|nbd\\d+))p\\d+");

    private final Map<String, String> mountSourceByDevice;
    private final Map<String, String> blockDeviceByNumber;
    private final Set<String> blockDevices;

    private MountedDisks(Map<String, String> mountSourceByDevice, Map<String, String> blockDeviceByNumber) {
        this.mountSourceByDevice = mountSourceByDevice;
        this.blockDeviceByNumber = blockDeviceByNumber;
        this.blockDevices = new HashSet<>(blockDeviceByNumber.values());
    }

    /** From the text of {@code /proc/self/mountinfo} and {@code /proc/diskstats}; lines that do not parse are skipped. */
    public static MountedDisks parse(String mountinfo, String diskstats) {
        Map<String, String> sources = new HashMap<>();
        for (String line : mountinfo.split("\n")) {
            // 27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,...: the source follows the fs type after " - "
            String[] f = line.split(" ");
            int separator = line.indexOf(" - ");
            String[] after = separator < 0 ? new String[0] : line.substring(separator + 3).split(" ");
            if (f.length > 2 && after.length > 1) {
                sources.putIfAbsent(f[2], after[1]);
            }
        }
        Map<String, String> devices = new HashMap<>();
        for (String line : diskstats.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 2) {
                devices.put(f[0] + ":" + f[1], f[2]);
            }
        }
        return new MountedDisks(sources, devices);
    }

    /** The whole disk holding the filesystem with device number {@code major:minor}; empty for pseudo filesystems. */
    public Optional<String> diskOf(String majorMinor) {
        String source = mountSourceByDevice.getOrDefault(majorMinor, "");
        String name = source.startsWith("/dev/") ? source.substring(source.lastIndexOf('/') + 1) : null;
        if (name == null || !blockDevices.contains(name)) {
            // btrfs and overlay report anonymous 0:N numbers that only mountinfo resolves; LVM's
            // /dev/mapper/vg-root is listed in diskstats as dm-N under its own number.
            name = blockDeviceByNumber.get(majorMinor);
        }
        return Optional.ofNullable(name).map(this::wholeDisk);
    }

    String wholeDisk(String device) {
        Matcher m = PARTITION.matcher(device);
        if (!m.matches()) {
            return device;
        }
        String disk = m.group(1) != null ? m.group(1) : m.group(2);
        return blockDevices.contains(disk) ? disk : device;
    }
}
