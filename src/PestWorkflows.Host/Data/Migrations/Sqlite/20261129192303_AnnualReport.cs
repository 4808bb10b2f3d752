using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PestWorkflows.Host.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AnnualReport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_case_pupils_CaseId",
                table: "case_pupils");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_AnnualReport",
                table: "tasks",
                columns: new[] { "CaseId", "Step", "Status", "DueAt", "CompletedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_AnnualReport",
                table: "cases",
                columns: new[] { "SchoolId", "ReportedAt", "Status", "Outcome", "EndedAtStep", "ClosedAt", "EsisRegisteredAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_case_pupils_AnnualReport",
                table: "case_pupils",
                columns: new[] { "CaseId", "Role", "PupilId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_AnnualReport",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "IX_cases_AnnualReport",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_case_pupils_AnnualReport",
                table: "case_pupils");

            migrationBuilder.CreateIndex(
                name: "IX_case_pupils_CaseId",
                table: "case_pupils",
                column: "CaseId");
        }
    }
}
