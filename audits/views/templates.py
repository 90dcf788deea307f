"""Survey templates: the shipped PM and revenue-team surveys, edited by Product Ops."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audits import services
from audits.forms import TemplateForm, TemplateQuestionForm
from audits.models import SurveyTemplate, TemplateQuestion
from audits.views.access import OPS_ROLES
from productops.roles import role_required


@role_required(*OPS_ROLES)
def templates_index(request: HttpRequest) -> HttpResponse:
    templates = SurveyTemplate.objects.prefetch_related("questions")
    return render(request, "audits/templates.html", {"templates": templates})


def _page(request: HttpRequest, template: SurveyTemplate, **forms: object) -> HttpResponse:
    questions = list(template.questions.all())
    bad = forms.pop("bad_question", None)
    context = {
        "template": template,
        "form": forms.get("form") or TemplateForm(instance=template),
        "question_forms": [
            (
                q,
                bad
                if bad is not None and getattr(bad, "instance", None) and bad.instance.pk == q.pk
                else TemplateQuestionForm(instance=q, prefix=f"q{q.pk}"),
            )
            for q in questions
        ],
        "new_form": forms.get("new_form") or TemplateQuestionForm(prefix="new"),
    }
    status = 400 if any(f is not None and getattr(f, "errors", None) for f in [*forms.values(), bad]) else 200
    return render(request, "audits/template_edit.html", context, status=status)


@role_required(*OPS_ROLES)
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(SurveyTemplate, pk=pk)
    if request.method == "POST":
        form = TemplateForm(request.POST, instance=template)
        if form.is_valid():
            form.save()
            messages.success(
                request, "Template saved. Rounds already created keep their own copy of the questions."
            )
            return redirect("audits:template", pk=pk)
        return _page(request, template, form=form)
    return _page(request, template)


def _save_question(form: TemplateQuestionForm) -> bool:
    if not form.is_valid():
        return False
    try:
        services.template_question_save(question=form.save(commit=False))
    except ValidationError as exc:
        for field_name, errors in exc.message_dict.items():
            form.add_error("choices_text" if field_name == "choices" else field_name, errors)
        return False
    return True


@require_POST
@role_required(*OPS_ROLES)
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(SurveyTemplate, pk=pk)
    form = TemplateQuestionForm(request.POST, prefix="new", instance=TemplateQuestion(template=template))
    if _save_question(form):
        messages.success(request, "Question added.")
        return redirect("audits:template", pk=pk)
    return _page(request, template, new_form=form)


@require_POST
@role_required(*OPS_ROLES)
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(TemplateQuestion.objects.select_related("template"), pk=pk)
    if "delete" in request.POST:
        services.template_question_delete(question=question)
        messages.success(request, "Question removed from the template.")
        return redirect("audits:template", pk=question.template_id)
    form = TemplateQuestionForm(request.POST, instance=question, prefix=f"q{question.pk}")
    if _save_question(form):
        messages.success(request, "Question saved.")
        return redirect("audits:template", pk=question.template_id)
    return _page(request, question.template, bad_question=form)
