using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using static PestWorkflows.Host.Designer.ElsaProblems;

namespace PestWorkflows.Host.Designer;

/// <summary>Elsa's descriptors, installed features and package version: what the Studio loads first.</summary>
public static class ElsaDescriptorsApi
{
    public static RouteGroupBuilder MapElsaDescriptors(this RouteGroupBuilder api)
    {
        var descriptors = api.MapGroup("/descriptors");
        descriptors.MapGet("/activities", GetActivityDescriptors).WithName("ElsaActivityDescriptors");
        descriptors.MapGet("/expression-descriptors", () => TypedResults.Ok(List(ElsaDescriptors.Expressions))).WithName("ElsaExpressionDescriptors");
        descriptors.MapGet("/variables", () => TypedResults.Ok(new ItemsResponse<VariableTypeDescriptor>(ElsaDescriptors.VariableTypes))).WithName("ElsaVariableDescriptors");
        descriptors.MapGet("/storage-drivers", () => TypedResults.Ok(new ItemsResponse<StorageDriverDescriptor>(ElsaDescriptors.StorageDrivers))).WithName("ElsaStorageDrivers");
        descriptors.MapGet("/incident-strategies", () => TypedResults.Ok(List(ElsaDescriptors.IncidentStrategies))).WithName("ElsaIncidentStrategies");
        descriptors.MapGet("/workflow-activation-strategies", () => TypedResults.Ok(List(ElsaDescriptors.ActivationStrategies))).WithName("ElsaActivationStrategies");
        descriptors.MapGet("/log-persistence-strategies", () => TypedResults.Ok(List(ElsaDescriptors.LogPersistenceStrategies))).WithName("ElsaLogPersistenceStrategies");
        descriptors.MapGet("/commit-strategies/workflows", () => TypedResults.Ok(List(ElsaDescriptors.WorkflowCommitStrategies))).WithName("ElsaWorkflowCommitStrategies");
        descriptors.MapGet("/commit-strategies/activities", () => TypedResults.Ok(List(ElsaDescriptors.ActivityCommitStrategies))).WithName("ElsaActivityCommitStrategies");
        api.MapGet("/features/installed", () => TypedResults.Ok(List(ElsaDescriptors.Features))).WithName("ElsaInstalledFeatures");
        api.MapGet("/package/version", () => TypedResults.Ok(new PackageVersionResponse(ElsaDescriptors.PackageVersion))).WithName("ElsaPackageVersion");
        return api;
    }

    private static Ok<ListResponse<JsonObject>> GetActivityDescriptors([AsParameters] ElsaServices services) =>
        TypedResults.Ok(List(services.Activities.All.OrderBy(d => d.TypeName, StringComparer.Ordinal).Select(ActivityDescriptorJson.Write).ToList()));
}
