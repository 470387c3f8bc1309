package dev.culprit.collectors.proc;

import java.util.regex.Pattern;

/**
 * Which block devices count as disks. By default, like {@code iostat -x}, whole devices only:
 * partitions, loop and ram devices are left out.
 */
public record DeviceFilter(boolean includePartitions, boolean includeVirtual) {

    public static final DeviceFilter DISKS_ONLY = new DeviceFilter(false, false);

    private static final Pattern VIRTUAL = Pattern.compile("(loop|ram|zram)\\d+");
    private static final Pattern PARTITION = Pattern.compile(
            "((sd|hd|vd|xvd)[a-z]+\\d+)|((nvme\\d+n\\d+|mmcblk\\d+|md\\d+|nbd\\d+)p\\d+)");

    public boolean accepts(String device) {
        if (!includeVirtual && VIRTUAL.matcher(device).matches()) {
            return false;
        }
        return includePartitions || !PARTITION.matcher(device).matches();
    }
}
