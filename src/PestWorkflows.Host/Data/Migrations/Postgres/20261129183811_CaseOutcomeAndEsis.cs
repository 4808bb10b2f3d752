using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PestWorkflows.Host.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CaseOutcomeAndEsis : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PupilNumber",
                table: "pupils",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Outcome",
                table: "cases",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AddColumn<int>(
                name: "EndedAtStep",
                table: "cases",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EsisReference",
                table: "cases",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "EsisRegisteredAt",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_pupils_SchoolId_PupilNumber",
                table: "pupils",
                columns: new[] { "SchoolId", "PupilNumber" },
                unique: true);

            // Cases closed or registered before this migration: the step they ended at and their ESIS
            // reference, from the same facts the protocol now records directly.
            migrationBuilder.Sql(@"UPDATE cases SET ""EndedAtStep"" = (SELECT MAX(m) FROM (SELECT cases.""CurrentStep"" AS m UNION ALL SELECT t.""Step"" FROM tasks t WHERE t.""CaseId"" = cases.""Id"" AND t.""Status"" = 'Completed') AS s) WHERE ""Status"" = 'Closed';");
            migrationBuilder.Sql(@"UPDATE cases SET ""EsisReference"" = (SELECT (t.""ValuesJson""::jsonb ->> 'esisReference') FROM tasks t WHERE t.""CaseId"" = cases.""Id"" AND t.""ActivityType"" = 'Pestprotocol.RegisterInEsis' AND t.""Status"" = 'Completed' LIMIT 1), ""EsisRegisteredAt"" = (SELECT t.""CompletedAt"" FROM tasks t WHERE t.""CaseId"" = cases.""Id"" AND t.""ActivityType"" = 'Pestprotocol.RegisterInEsis' AND t.""Status"" = 'Completed' LIMIT 1) WHERE EXISTS (SELECT 1 FROM tasks t WHERE t.""CaseId"" = cases.""Id"" AND t.""ActivityType"" = 'Pestprotocol.RegisterInEsis' AND t.""Status"" = 'Completed');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_pupils_SchoolId_PupilNumber",
                table: "pupils");

            migrationBuilder.DropColumn(
                name: "PupilNumber",
                table: "pupils");

            migrationBuilder.DropColumn(
                name: "EndedAtStep",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "EsisReference",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "EsisRegisteredAt",
                table: "cases");

            migrationBuilder.AlterColumn<string>(
                name: "Outcome",
                table: "cases",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(32)",
                oldMaxLength: 32,
                oldNullable: true);
        }
    }
}
