using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PestWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Tenants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_bookmarks_Hash_ClosedAt",
                table: "bookmarks");

            migrationBuilder.AddColumn<string>(
                name: "TenantId",
                table: "workflow_instances",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TenantId",
                table: "workflow_definitions",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TenantId",
                table: "bookmarks",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            // Rows from before tenants: the host marked a school's definition with customProperties.schoolId
            // (tenant id = school id) and treated one without it as shared by all schools. Instances belong
            // to their definition's tenant, except those of shared definitions, whose starter was not
            // recorded (they go to the default tenant); bookmarks belong to their instance's tenant.
            migrationBuilder.Sql(
                """
                UPDATE workflow_definitions SET "TenantId" = COALESCE(CASE WHEN json_valid("Json") THEN json_extract("Json", '$.customProperties.schoolId') END, '*');
                UPDATE workflow_instances SET "TenantId" = COALESCE((SELECT d."TenantId" FROM workflow_definitions AS d
                    WHERE d."Id" = workflow_instances."DefinitionVersionId" AND d."TenantId" <> '*'), '');
                UPDATE bookmarks SET "TenantId" = COALESCE((SELECT i."TenantId" FROM workflow_instances AS i
                    WHERE i."Id" = bookmarks."WorkflowInstanceId"), '');
                """);

            migrationBuilder.CreateIndex(
                name: "IX_workflow_instances_TenantId",
                table: "workflow_instances",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_workflow_definitions_TenantId",
                table: "workflow_definitions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_bookmarks_Hash_TenantId_ClosedAt",
                table: "bookmarks",
                columns: new[] { "Hash", "TenantId", "ClosedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_workflow_instances_TenantId",
                table: "workflow_instances");

            migrationBuilder.DropIndex(
                name: "IX_workflow_definitions_TenantId",
                table: "workflow_definitions");

            migrationBuilder.DropIndex(
                name: "IX_bookmarks_Hash_TenantId_ClosedAt",
                table: "bookmarks");

            migrationBuilder.DropColumn(
                name: "TenantId",
                table: "workflow_instances");

            migrationBuilder.DropColumn(
                name: "TenantId",
                table: "workflow_definitions");

            migrationBuilder.DropColumn(
                name: "TenantId",
                table: "bookmarks");

            migrationBuilder.CreateIndex(
                name: "IX_bookmarks_Hash_ClosedAt",
                table: "bookmarks",
                columns: new[] { "Hash", "ClosedAt" });
        }
    }
}
