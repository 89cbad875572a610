//! Classes and their teachers (procedure 4.1: the platform administrator distributes teachers
//! across classes): create a class, assign a teacher (or the class teacher).

use parta_model::school::{AdminRequest, Assignment, Class, NewClass, SchoolPerson};
use yew::prelude::*;

use super::common::{classes_in, error_line, reloader, run, staff_in};
use crate::dom::value_of;
use crate::hooks::use_failure;
use crate::i18n::Lang;
use crate::i18n::admin::{A, ta};

#[derive(Properties, PartialEq)]
pub struct AdminClassesProps {
    pub lang: Lang,
}

#[function_component(AdminClasses)]
pub fn admin_classes(props: &AdminClassesProps) -> Html {
    let lang = props.lang;
    let classes = use_state(|| None::<Vec<Class>>);
    let staff = use_state(Vec::<SchoolPerson>::new);
    let name = use_state(String::new);
    let assigning = use_state(|| None::<(i64, Option<i64>, bool)>);
    let (error, failed) = use_failure();
    let reload = reloader(
        lang,
        || AdminRequest::Classes,
        classes_in,
        &classes,
        &failed,
    );
    let load_staff = reloader(lang, || AdminRequest::People, staff_in, &staff, &failed);
    {
        let reload = reload.clone();
        use_effect_with((), move |_| {
            reload.emit(());
            load_staff.emit(());
        });
    }
    let on_name = crate::dom::typed_into(&name);
    let on_create = {
        let (name, reload, failed) = (name.clone(), reload.clone(), failed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let class = NewClass {
                name: (*name).clone(),
                class_teacher_id: None,
            };
            let (name, reload) = (name.clone(), reload.clone());
            run(
                lang,
                AdminRequest::CreateClass { class },
                move |_| {
                    name.set(String::new());
                    reload.emit(());
                },
                failed.clone(),
            );
        })
    };
    let on_assign = {
        let (assigning, reload, failed) = (assigning.clone(), reload.clone(), failed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some((class_id, Some(user_id), class_teacher)) = *assigning else {
                failed.emit(Some(ta(lang, A::PickPerson).to_owned()));
                return;
            };
            let (assigning, reload) = (assigning.clone(), reload.clone());
            run(
                lang,
                AdminRequest::AssignTeacher {
                    class_id,
                    assignment: Assignment {
                        user_id,
                        class_teacher,
                    },
                },
                move |_| {
                    assigning.set(None);
                    reload.emit(());
                },
                failed.clone(),
            );
        })
    };
    let row = |c: &Class| {
        let class_id = c.id;
        let start = {
            let assigning = assigning.clone();
            Callback::from(move |_: MouseEvent| assigning.set(Some((class_id, None, false))))
        };
        let on_person = {
            let assigning = assigning.clone();
            Callback::from(move |e: Event| {
                if let Some((id, _, ct)) = *assigning {
                    assigning.set(Some((id, value_of(&e).parse().ok(), ct)));
                }
            })
        };
        let on_ct = {
            let assigning = assigning.clone();
            Callback::from(move |_: Event| {
                if let Some((id, person, ct)) = *assigning {
                    assigning.set(Some((id, person, !ct)));
                }
            })
        };
        let cancel = {
            let assigning = assigning.clone();
            Callback::from(move |_: MouseEvent| assigning.set(None))
        };
        let teachers: Vec<&str> = c.teachers.iter().map(|p| p.name.as_str()).collect();
        html! {
            <li key={c.id} data-testid="class-row" data-name={c.name.clone()}>
                <div class="grow">
                    <div class="title">{ &c.name }</div>
                    <div class="sub">
                        { format!("{}: {}", ta(lang, A::ClassTeacher),
                            c.class_teacher.as_ref().map_or(ta(lang, A::NotAssigned), |p| p.name.as_str())) }
                    </div>
                    <div class="sub">{ format!("{}: {} · {}: {}", ta(lang, A::Teachers),
                        if teachers.is_empty() { "—".to_owned() } else { teachers.join(", ") },
                        ta(lang, A::ParentsCount), c.parents) }</div>
                    if matches!(*assigning, Some((id, _, _)) if id == class_id) {
                        <form class="inline-form" onsubmit={on_assign.clone()}>
                            <select data-testid="assign-person" aria-label={ta(lang, A::PickPerson)} onchange={on_person}>
                                <option value="">{ ta(lang, A::PickPerson) }</option>
                                { for staff.iter().map(|p| html! { <option value={p.user_id.to_string()}>{ &p.name }</option> }) }
                            </select>
                            <label class="check">
                                <input type="checkbox" data-testid="assign-class-teacher" onchange={on_ct} />
                                { ta(lang, A::AsClassTeacher) }
                            </label>
                            <button class="primary small" type="submit" data-testid="assign-apply">{ ta(lang, A::Apply) }</button>
                            <button class="link" type="button" onclick={cancel}>{ ta(lang, A::Cancel) }</button>
                        </form>
                    }
                </div>
                <div class="actions">
                    <button class="link" data-testid="class-assign" onclick={start}>{ ta(lang, A::AssignTeacher) }</button>
                </div>
            </li>
        }
    };
    html! {
        <div class="admin-pane">
            <form class="inline-form" onsubmit={on_create} data-testid="class-form">
                <input data-testid="class-name" placeholder={ta(lang, A::ClassName)} aria-label={ta(lang, A::NewClass)}
                    value={(*name).clone()} oninput={on_name} />
                <button class="primary small" type="submit" data-testid="class-create">{ ta(lang, A::NewClass) }</button>
            </form>
            { error_line(&error) }
            { match &*classes {
                None => html! { <p class="muted">{ ta(lang, A::Loading) }</p> },
                Some(list) => html! { <ul class="admin-list" data-testid="class-list">{ for list.iter().map(row) }</ul> },
            } }
        </div>
    }
}
