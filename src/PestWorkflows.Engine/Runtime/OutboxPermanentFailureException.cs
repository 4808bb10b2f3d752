namespace PestWorkflows.Engine.Runtime;

/// <summary>Thrown by an <see cref="IOutboxHandler"/> when trying again cannot help: the row is marked <c>Failed</c>.</summary>
public sealed class OutboxPermanentFailureException(string message, Exception? innerException = null) : Exception(message, innerException);
