package dev.culprit.collectors.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Cgroup paths: the captured host's own (hybrid v1 + empty v2), and the container names that
 * docker, containerd, CRI-O and podman document, which that host does not run.
 */
class ProcessCgroupTest {

    private static final String ID = "4f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

    @Test
    void onAHybridHostWithAnEmptyUnifiedTreeTheMostSpecificV1PathNamesTheGroup() {
        CapturedScenario samples = CapturedScenario.named("cgroup-samples");

        ProcessCgroup sleep = ProcessCgroup.parse(CapturedScenario.read(samples.file(samples.pid("sleep") + "/cgroup")));
        ProcessCgroup kthreadd = ProcessCgroup.parse(CapturedScenario.read(samples.file(samples.pid("kthreadd") + "/cgroup")));

        assertThat(sleep).isEqualTo(new ProcessCgroup("/process_api/500da3d84178c06e19d692bb5a8c3d6e", null));
        assertThat(kthreadd).isEqualTo(new ProcessCgroup("/", null));
    }

    @Test
    void theUnifiedPathWinsWhenItIsUsed() {
        ProcessCgroup docker = ProcessCgroup.parse("0::/system.slice/docker-" + ID + ".scope\n");

        assertThat(docker).isEqualTo(new ProcessCgroup("/system.slice/docker-" + ID + ".scope", ID));
    }

    @Test
    void dockerWithTheCgroupfsDriver() {
        assertThat(ProcessCgroup.parse("12:memory:/docker/" + ID + "\n0::/\n"))
                .isEqualTo(new ProcessCgroup("/docker/" + ID, ID));
    }

    @Test
    void kubernetesPodsUnderContainerdAndCrio() {
        String pod = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901.slice";

        assertThat(ProcessCgroup.parse("0::" + pod + "/cri-containerd-" + ID + ".scope\n").containerId()).isEqualTo(ID);
        assertThat(ProcessCgroup.parse("0::" + pod + "/crio-" + ID + ".scope\n").containerId()).isEqualTo(ID);
        assertThat(ProcessCgroup.parse("4:memory:/kubepods/besteffort/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901/" + ID + "\n")
                .containerId()).isEqualTo(ID);
    }

    @Test
    void podmanContainerButNotItsConmonMonitor() {
        String user = "0::/user.slice/user-1000.slice/user@1000.service/user.slice/";

        assertThat(ProcessCgroup.parse(user + "libpod-" + ID + ".scope\n").containerId()).isEqualTo(ID);
        assertThat(ProcessCgroup.parse(user + "libpod-conmon-" + ID + ".scope\n").containerId()).isNull();
    }

    @Test
    void aServiceIsNoContainer() {
        assertThat(ProcessCgroup.parse("0::/system.slice/mariadb.service\n"))
                .isEqualTo(new ProcessCgroup("/system.slice/mariadb.service", null));
    }
}
