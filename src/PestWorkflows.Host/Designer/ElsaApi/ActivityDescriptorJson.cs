using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using PestWorkflows.Engine.Descriptors;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// Elsa 3.8's JSON shape of an activity descriptor (<c>GET /elsa/api/descriptors/activities</c>),
/// written from the engine's descriptors, field by field as a genuine Elsa server answers
/// (elsa-golden/GET_descriptors_activities.json). Absent optional values are left out, as Elsa does.
/// </summary>
public static class ActivityDescriptorJson
{
    private static readonly JsonSerializerOptions ValueJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static JsonObject Write(ActivityDescriptor descriptor)
    {
        var clrType = ClrTypeName(descriptor.ClrType);
        var json = new JsonObject
        {
            ["typeName"] = descriptor.TypeName,
            ["clrType"] = clrType,
            ["namespace"] = descriptor.Namespace,
            ["name"] = descriptor.Name,
            ["version"] = descriptor.Version,
            ["category"] = descriptor.Category,
            ["displayName"] = descriptor.DisplayName,
        };
        if (descriptor.Description is not null) json["description"] = descriptor.Description;
        // OrderBy is stable: inputs with the same order keep their declaration order, as in Elsa.
        json["inputs"] = new JsonArray(descriptor.Inputs.OrderBy(i => i.Order).Select(Input).ToArray<JsonNode?>());
        json["outputs"] = new JsonArray(descriptor.Outputs.Select(Output).ToArray<JsonNode?>());
        json["kind"] = descriptor.Kind.ToString();
        json["runAsynchronously"] = false;
        json["ports"] = Ports(descriptor);
        json["customProperties"] = new JsonObject { ["Type"] = clrType };
        json["constructionProperties"] = new JsonObject();
        json["isContainer"] = descriptor.IsContainer;
        json["isBrowsable"] = descriptor.ClrType.GetCustomAttribute<BrowsableAttribute>()?.Browsable ?? true;
        json["isStart"] = descriptor.IsStart;
        json["isTerminal"] = descriptor.IsTerminal;
        return json;
    }

    private static JsonObject Input(InputDescriptor input)
    {
        var json = new JsonObject
        {
            ["isWrapped"] = input.IsWrapped,
            ["uiHint"] = input.UIHint,
        };
        if (input.DefaultValue is not null) json["defaultValue"] = JsonSerializer.SerializeToNode(input.DefaultValue, ValueJson);
        if (input.DefaultSyntax is not null) json["defaultSyntax"] = input.DefaultSyntax;
        if (input.Category is not null) json["category"] = input.Category;
        json["isReadOnly"] = input.IsReadOnly;
        json["isSensitive"] = false;
        json["autoEvaluate"] = true;
        json["uiSpecifications"] = UISpecifications(input);
        json["name"] = input.Name;
        json["typeName"] = input.TypeName;
        json["displayName"] = input.DisplayName;
        if (input.Description is not null) json["description"] = input.Description;
        json["order"] = input.Order;
        json["isBrowsable"] = input.IsBrowsable;
        json["isSerializable"] = true;
        json["isSynthetic"] = false;
        return json;
    }

    private static JsonObject Output(OutputDescriptor output)
    {
        var json = new JsonObject
        {
            ["name"] = output.Name,
            ["typeName"] = output.TypeName,
            ["displayName"] = output.DisplayName,
        };
        if (output.Description is not null) json["description"] = output.Description;
        json["order"] = 0;
        json["isBrowsable"] = output.IsBrowsable;
        json["isSerializable"] = true;
        json["isSynthetic"] = false;
        return json;
    }

    /// <summary>
    /// Embedded ports (child-activity slots) first, then flow ports. Like Elsa, flow ports are listed
    /// only for activities that declare their outcomes with <see cref="FlowNodeAttribute"/>; for the
    /// rest the designer shows its default <c>Done</c> port.
    /// </summary>
    private static JsonArray Ports(ActivityDescriptor descriptor)
    {
        var ports = new JsonArray();
        foreach (var name in descriptor.EmbeddedPorts)
        {
            var attribute = descriptor.ClrType.GetProperty(name)?.GetCustomAttribute<PortAttribute>();
            ports.Add(Port(name, attribute?.DisplayName ?? name, "Embedded"));
        }
        if (descriptor.ClrType.GetCustomAttribute<FlowNodeAttribute>() is not null)
            foreach (var outcome in descriptor.Outcomes)
                ports.Add(Port(outcome, outcome, "Flow"));
        return ports;
    }

    private static JsonObject Port(string name, string displayName, string type) => new()
    {
        ["name"] = name,
        ["displayName"] = displayName,
        ["type"] = type,
        ["isBrowsable"] = true,
    };

    /// <summary>Options become the select list the designer's dropdown or checklist shows.</summary>
    private static JsonObject UISpecifications(InputDescriptor input)
    {
        if (input.Options is not { Count: > 0 } options) return new JsonObject();
        var items = new JsonArray(options.Select(o => (JsonNode?)new JsonObject { ["text"] = o, ["value"] = o }).ToArray());
        return input.UIHint switch
        {
            InputUIHints.DropDown => new JsonObject { ["dropdown"] = new JsonObject { ["selectList"] = new JsonObject { ["items"] = items } } },
            "radiolist" => new JsonObject { ["radiolist"] = new JsonObject { ["selectList"] = new JsonObject { ["items"] = items } } },
            "checklist" => new JsonObject { ["checklist"] = new JsonObject { ["checkList"] = new JsonObject { ["items"] = items, ["isFlagsEnum"] = false } } },
            _ => new JsonObject(),
        };
    }

    private static string ClrTypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
