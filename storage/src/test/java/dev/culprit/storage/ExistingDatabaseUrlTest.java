package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExistingDatabaseUrlTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:h2:file:/var/lib/culprit/culprit                         | jdbc:h2:file:/var/lib/culprit/culprit;IFEXISTS=TRUE",
        "jdbc:h2:tcp://127.0.0.1:9092/culprit;IFEXISTS=FALSE           | ",
        "jdbc:h2:tcp://10.0.0.5:9092/culprit;auto_reconnect=true       | jdbc:h2:tcp://10.0.0.5:9092/culprit;AUTO_RECONNECT=TRUE;IFEXISTS=TRUE",
        "jdbc:h2:/data/culprit;AUTO_SERVER=TRUE;ACCESS_MODE_DATA=r     | jdbc:h2:/data/culprit;AUTO_SERVER=TRUE;ACCESS_MODE_DATA=R;IFEXISTS=TRUE",
    })
    void aReadOpensOnlyADatabaseThatExists(String given, String opened) {
        if (opened == null) {
            assertThatThrownBy(() -> ExistingDatabaseUrl.of(given)).hasMessageContaining("IFEXISTS=TRUE");
        } else {
            assertThat(ExistingDatabaseUrl.of(given)).isEqualTo(opened);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "jdbc:h2:file:/data/culprit;INIT=RUNSCRIPT FROM '/tmp/evil.sql'",
        "jdbc:h2:file:/data/culprit;init=CREATE ALIAS X FOR 'java.lang.Runtime.exec'",
        "jdbc:h2:file:/data/culprit;AUTO_SERVER=TRUE;INIT=RUNSCRIPT FROM 'evil.sql'\\;",
        "jdbc:h2:file:/data/culprit;USER=sa;PASSWORD=",
        "jdbc:h2:file:/data/culprit;ACCESS_MODE_DATA=rw",
        "jdbc:h2:file:/data/culprit;MODE=MySQL",
        "jdbc:h2:file:/data/culprit;FILE_LOCK=NO",
    })
    void settingsThatRunCodeOrChangeTheDatabaseAreRefusedByName(String url) {
        assertThatThrownBy(() -> ExistingDatabaseUrl.of(url)).isInstanceOf(ExistingDatabaseUrl.Refused.class)
                .hasMessageMatching("(?s).*(INIT|USER|ACCESS_MODE_DATA|MODE|FILE_LOCK).*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:h2:mem:", "jdbc:h2:mem:history", "jdbc:h2:tcp://127.0.0.1/mem:x", "jdbc:h2:zip:/tmp/a.zip!/culprit",
        "jdbc:postgresql://db/culprit", "jdbc:h2:"})
    void onlyAFileOrAServerCanHoldHistory(String url) {
        assertThatThrownBy(() -> ExistingDatabaseUrl.of(url)).isInstanceOf(ExistingDatabaseUrl.Refused.class);
    }
}
