package dev.duplex.protocol.extension;

import java.util.Objects;

/**
 * One parameter of an extension offer: {@code name} or {@code name=value}.
 *
 * @param name  the parameter name, a token
 * @param value the value with any quoting removed, or {@code null} when the parameter has none
 */
public record ExtensionParameter(String name, String value) {
    public ExtensionParameter {
        Objects.requireNonNull(name, "name");
    }

    /** Whether the parameter was given with a value. */
    public boolean hasValue() {
        return value != null;
    }

    @Override
    public String toString() {
        return value == null ? name : name + "=" + value;
    }
}
