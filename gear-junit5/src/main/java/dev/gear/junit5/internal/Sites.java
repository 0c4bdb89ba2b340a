package dev.gear.junit5.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How fields, parameters and classes are named in messages, so every message points at the one
 * declaration it is about: {@code field 'server' of OrderTest.Nested}, {@code parameter [1] of
 * method submits(Client, Worker) in OrderTest}.
 */
public final class Sites {
    private Sites() {
    }

    /** {@code Outer.Inner} for nested classes, the simple name otherwise. */
    public static String className(Class<?> type) {
        Class<?> enclosing = type.getEnclosingClass();
        String simple = type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName();
        return enclosing == null ? simple : className(enclosing) + "." + simple;
    }

    /** {@code static field 'server' of OrderTest} or {@code field 'server' of OrderTest}. */
    public static String field(Field field) {
        return (Modifier.isStatic(field.getModifiers()) ? "static field '" : "field '") + field.getName() + "' of "
                + className(field.getDeclaringClass());
    }

    /**
     * The field name in a site made by {@link #field(Field)}, or null for any other site (a
     * parameter): kept next to {@link #field(Field)} so the two formats change together.
     */
    public static String fieldName(String site) {
        java.util.regex.Matcher m = FIELD_SITE.matcher(site);
        return m.lookingAt() ? m.group(1) : null;
    }

    private static final java.util.regex.Pattern FIELD_SITE = java.util.regex.Pattern.compile("(?:static )?field '([^']*)' of ");

    /** {@code parameter [0] of method test(Client) in OrderTest}, or {@code … of constructor OrderTest(Client)}. */
    public static String parameter(Parameter parameter, int index) {
        Executable executable = parameter.getDeclaringExecutable();
        String types = Arrays.stream(executable.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", "));
        String owner = className(executable.getDeclaringClass());
        if (executable instanceof Constructor) {
            return "parameter [" + index + "] of constructor " + owner + "(" + types + ")";
        }
        return "parameter [" + index + "] of method " + executable.getName() + "(" + types + ") in " + owner;
    }
}
