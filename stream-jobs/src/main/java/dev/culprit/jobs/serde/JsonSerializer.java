package dev.culprit.jobs.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.culprit.events.EventCodec;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a record as its concrete class name and its JSON, so a stream of the sealed
 * {@code Event} type keeps each element's kind. Records are immutable, so copies are free.
 */
public final class JsonSerializer<T> extends TypeSerializer<T> {

    private static final ObjectMapper MAPPER = EventCodec.mapper();

    private final Class<T> type;

    public JsonSerializer(Class<T> type) {
        this.type = Objects.requireNonNull(type);
    }

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return this;
    }

    @Override
    public T createInstance() {
        return null;
    }

    @Override
    public T copy(T from) {
        return from;
    }

    @Override
    public T copy(T from, T reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        byte[] json = MAPPER.writeValueAsBytes(record);
        target.writeUTF(record.getClass().getName());
        target.writeInt(json.length);
        target.write(json);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        String className = source.readUTF();
        byte[] json = new byte[source.readInt()];
        source.readFully(json);
        try {
            Class<?> concrete = Class.forName(className, false, type.getClassLoader());
            return type.cast(MAPPER.readValue(json, concrete));
        } catch (ClassNotFoundException e) {
            throw new IOException("state or stream holds a " + className + ", which this build does not have", e);
        }
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        target.writeUTF(source.readUTF());
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonSerializer<?> other && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(type);
    }

    /** Remembers which record type a checkpoint was written with. */
    public static final class Snapshot<T> implements TypeSerializerSnapshot<T> {

        private Class<T> type;

        /** For Flink, which restores snapshots reflectively. */
        public Snapshot() {}

        Snapshot(Class<T> type) {
            this.type = type;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(type.getName());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            String name = in.readUTF();
            try {
                type = (Class<T>) Class.forName(name, false, classLoader);
            } catch (ClassNotFoundException e) {
                throw new IOException("checkpoint needs " + name + ", which this build does not have", e);
            }
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return new JsonSerializer<>(type);
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
            return oldSnapshot instanceof Snapshot<?> old && type.equals(old.type)
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
