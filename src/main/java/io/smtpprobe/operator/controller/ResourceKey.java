package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Objects;

/** One namespaced resource by name, as maps, metrics and logs key it. */
public record ResourceKey(String namespace, String name) {
    public ResourceKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    public static ResourceKey of(HasMetadata resource) {
        return new ResourceKey(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    }

    public static ResourceKey of(String namespace, String name) {
        return new ResourceKey(namespace, name);
    }

    ResourceID toResourceId() {
        return new ResourceID(name, namespace);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
