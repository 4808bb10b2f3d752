using PestWorkflows.Engine.Descriptors;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Host.Designer;

/// <summary>What the Elsa API handlers need, bundled.</summary>
public sealed record ElsaServices(
    WorkflowDefinitionStore Definitions,
    WorkflowInstanceStore Instances,
    WorkflowRuntime Runtime,
    ActivityRegistry Activities);
