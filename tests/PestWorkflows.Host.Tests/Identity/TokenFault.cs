namespace PestWorkflows.Host.Tests.Identity;

/// <summary>How <see cref="TestIdentityProvider"/> spoils the id_token it issues.</summary>
public enum TokenFault { None, WrongSignature, WrongNonce }
