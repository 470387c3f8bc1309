package dev.culprit.jobs;

import dev.culprit.events.text.ShortDigest;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;

/**
 * A short digest of the shape of everything the job keeps in state: the records' component names
 * and types, all the way down. Saved state is JSON of these records, so a build whose records
 * differ cannot read an older build's state; keeping each shape's checkpoints apart means a new
 * build starts afresh instead of failing on restore, and the same build resumes.
 */
public final class StateFingerprint {

    private StateFingerprint() {}

    /** The digest of the shapes of {@code roots} and everything they hold. */
    public static String of(Class<?>... roots) {
        StringBuilder shape = new StringBuilder();
        Set<Type> seen = new HashSet<>();
        for (Class<?> root : roots) {
            describe(root, shape, seen);
            shape.append(';');
        }
        return ShortDigest.of(shape.toString(), 6);
    }

    private static void describe(Type type, StringBuilder shape, Set<Type> seen) {
        if (type instanceof ParameterizedType p) {
            describe(p.getRawType(), shape, seen);
            shape.append('<');
            for (Type argument : p.getActualTypeArguments()) {
                describe(argument, shape, seen);
                shape.append(',');
            }
            shape.append('>');
        } else if (type instanceof GenericArrayType a) {
            describe(a.getGenericComponentType(), shape, seen);
            shape.append("[]");
        } else if (type instanceof WildcardType w) {
            Arrays.stream(w.getUpperBounds()).forEach(bound -> describe(bound, shape, seen));
        } else if (type instanceof Class<?> c) {
            shape.append(c.getName());
            if (!seen.add(c)) {
                return; // described once; a reference is enough
            }
            if (c.isRecord()) {
                shape.append('(');
                for (RecordComponent component : c.getRecordComponents()) {
                    shape.append(component.getName()).append(':');
                    describe(component.getGenericType(), shape, seen);
                    shape.append(',');
                }
                shape.append(')');
            } else if (c.isEnum()) {
                shape.append(Arrays.toString(c.getEnumConstants()));
            } else if (c.isSealed()) {
                shape.append('{');
                Arrays.stream(c.getPermittedSubclasses()).sorted(Comparator.comparing(Class::getName))
                        .forEach(sub -> describe(sub, shape, seen));
                shape.append('}');
            }
        } else {
            shape.append(type.getTypeName());
        }
    }
}
