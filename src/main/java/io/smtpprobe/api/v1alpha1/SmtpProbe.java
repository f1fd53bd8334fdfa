package io.smtpprobe.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PrinterColumnFormat;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Version;

@Group(SmtpProbe.GROUP)
@Version(SmtpProbe.VERSION)
@Kind("SmtpProbe")
@Plural("smtpprobes")
@ShortNames("smtpp")
@Categories("probes")
@AdditionalPrinterColumn(name = "Domains", jsonPath = ".spec.domains", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Result", jsonPath = ".status.result", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.reason", type = AdditionalPrinterColumn.Type.STRING)
// Ready follows spec.expect (without it: accepted), while Result and Reason say what happened.
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last Probe", jsonPath = ".status.lastProbeTime",
        type = AdditionalPrinterColumn.Type.DATE, format = PrinterColumnFormat.DATE_TIME)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class SmtpProbe extends CustomResource<SmtpProbeSpec, SmtpProbeStatus> implements Namespaced {
    public static final String GROUP = "smtpprobe.io";
    public static final String VERSION = "v1alpha1";
}
